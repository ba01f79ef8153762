"""`paxion build-actionbench`: action-antonym and object-replaced texts for SSv2, Ego4D or NExT-QA annotations.

    paxion build-actionbench --format ssv2 --input train.json --output actionbench_ssv2/train.json --seed 42

Prints the counts and the texts left without an antonym (their records are dropped, as in the official files).
Module-level imports stay light: the `paxion` CLI imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "Build ActionBench texts (action antonyms, object replacement) from SSv2, Ego4D or NExT-QA annotations."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=("ssv2", "ego4d", "nextqa"),
                        help="input layout: SSv2 JSON list, EgoClip JSON lines, or NExT-QA CSV")
    parser.add_argument("--input", required=True, type=Path, help="annotation file in the official layout")
    parser.add_argument("--output", required=True, type=Path, help="where to write the ActionBench file")
    parser.add_argument("--seed", type=int, default=42, help="seed of the object replacement (default 42)")
    parser.add_argument("--wordnet", choices=("auto", "on", "off"), default="auto",
                        help="WordNet antonyms for verbs missing from the lexicon (needs paxion-eval[wordnet] and "
                        "its data); auto: when installed")
    parser.add_argument("--lexicon", type=Path, help="an antonym lexicon JSON to use instead of the shipped one")
    parser.add_argument("--objects", type=Path,
                        help="ssv2: JSON list of object names to draw replacements from (default: all placeholders)")
    parser.add_argument("--noun-taxonomy", type=Path,
                        help="ego4d: Ego4D narration_noun_taxonomy.csv; restricts the object to the tag_noun classes")
    parser.add_argument("--report", type=Path, help="also write the report as JSON here")
    parser.add_argument("--examples", type=int, default=10, help="examples listed per problem (default 10)")


def run(args: argparse.Namespace) -> int:
    from paxion_eval.actionbench.antonyms import AntonymLexicon, load_wordnet
    from paxion_eval.actionbench.builder import (
        BuildInputError,
        build_ego4d,
        build_nextqa,
        build_ssv2,
        read_records,
        record_location,
        write_records,
    )
    from paxion_eval.actionbench.objects import NounTaxonomy

    if args.wordnet == "on" and load_wordnet() is None:
        print("error: --wordnet on, but WordNet is not available: pip install 'paxion-eval[wordnet]' and "
              "python -m nltk.downloader wordnet", file=sys.stderr)
        return 2
    try:
        lexicon = AntonymLexicon.load(args.lexicon, wordnet=None if args.wordnet == "off" else "auto")
        records = read_records(args.input, args.format)
        if args.format == "ssv2":
            objects = json.loads(args.objects.read_text(encoding="utf-8")) if args.objects else None
            if objects is not None and not (isinstance(objects, list) and all(isinstance(o, str) for o in objects)):
                raise ValueError(f"{args.objects}: expected a JSON list of object names")
            out, report = build_ssv2(records, args.seed, lexicon=lexicon, objects=objects, max_examples=args.examples)
        elif args.format == "ego4d":
            taxonomy = NounTaxonomy.from_ego4d_csv(args.noun_taxonomy) if args.noun_taxonomy else None
            out, report = build_ego4d(records, args.seed, lexicon=lexicon, taxonomy=taxonomy,
                                      max_examples=args.examples)
        else:
            out, report = build_nextqa(records, lexicon=lexicon, max_examples=args.examples)
    except BuildInputError as err:
        print(f"error: {record_location(args.input, args.format, records, err.record)}: '{err.key}': {err.message}",
              file=sys.stderr)
        return 2
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    write_records(args.output, args.format, out)
    print(report.format())
    print(f"wrote {len(out)} records to {args.output}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return 0
