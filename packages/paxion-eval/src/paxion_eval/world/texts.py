"""Texts of the synthetic world: SSv2 labels and templates, Ego4D narrations, object replacement, NExT-QA-like
questions and single-frame relational captions for backbone pretraining."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from paxion_eval.world.dynamics import ClipState, Segment
from paxion_eval.world.vocab import (
    CAUSE_QUESTIONS,
    COLOURS,
    NOUNS,
    PAIR_BY_KIND,
    PAIRS,
    STATIC_BY_KIND,
    STATICS,
    Action,
    PairSpec,
    StaticSpec,
)

_SOMETHING = re.compile(r"\b[Ss]omething\b")


# -- SSv2 / Ego4D ------------------------------------------------------------------------------------------------
def fill_template(template: str, objects: list[str]) -> str:
    """Replace the n-th "something" of `template` by `objects[n]`; capitalise the first letter (ActionBench-SSv2
    labels are capitalised: "Pushing red circle from left to right")."""
    names = iter(objects)
    text = _SOMETHING.sub(lambda _: next(names), template)
    return text[0].upper() + text[1:]


def bracket_template(template: str) -> str:
    """The SSv2 spelling with brackets used by the retrieval and Temporal-SSv2 files: "Pushing [something] ...".
    Always lower-case "[something]" (also first in a sentence): the spelling loaders turn back into "something"."""
    return _SOMETHING.sub("[something]", template)


def narration(body: str, objects: list[str]) -> str:
    """An Ego4D-style narration: "#C C slides the red circle to the right."."""
    return f"#C C {body.format(*objects)}."


def replace_objects(rng: np.random.Generator, named: list[str], visible: list[str]) -> list[str]:
    """Random replacement nouns for the `named` objects: distinct, and none of them visible in the clip."""
    candidates = [noun for noun in NOUNS if noun not in visible]
    return [candidates[i] for i in rng.choice(len(candidates), size=len(named), replace=False)]


def named_objects(action: Action, clip: ClipState) -> list[str]:
    """The nouns an action text names: the main object, then the landmark for two-object actions."""
    return [obj.noun for obj in clip.objects[: action.objects]]


# -- NExT-QA-like questions -----------------------------------------------------------------------------------------
@dataclass
class Question:
    """One multiple-choice question: `choices` holds 5 candidates, `answer` the index of the right one."""

    type: str  # NExT-QA code: CW, CH, TN, TC, TP, DC, DL, DO
    question: str
    answer: int
    choices: list[str]
    antonym_choices: list[str]  # the action antonyms of the choices that have one (official NExT-QA DVDM field)
    antonym_in_choices: bool  # the answer's time reversal is a candidate: no unordered set of frames can answer


_NUMBERS = ("one", "two", "three", "four", "five", "six")


def _phrase(segment: Segment, landmark: str, third_person: bool = False) -> str:
    if segment.kind in STATIC_BY_KIND:
        return STATIC_BY_KIND[segment.kind].qa[int(third_person)]
    pair = PAIR_BY_KIND[segment.kind]
    return (pair.qa_3sg if third_person else pair.qa)[segment.member].format("", landmark)


def _phrase_antonyms(landmark: str) -> dict[str, str]:
    """Every action phrase (answers and causes) -> its antonym, in both directions."""
    table = {}
    for pair in PAIRS:
        for texts in (pair.qa, pair.cause):
            if texts is not None:
                a, b = (t.format("", landmark) for t in texts)
                table[a], table[b] = b, a
    return table


def _action_pool(landmark: str) -> list[str]:
    pool = [t.format("", landmark) for pair in PAIRS if pair.qa for t in pair.qa]
    return pool + [static.qa[0] for static in STATIC_BY_KIND.values() if static.qa]


def _cause_pool(landmark: str) -> list[str]:
    return [t.format("", landmark) for pair in PAIRS if pair.cause for t in pair.cause]


def _location(x: float, y: float) -> str:
    vertical = "top" if y < 0.4 else "bottom" if y > 0.6 else ""
    horizontal = "left" if x < 0.4 else "right" if x > 0.6 else ""
    if not vertical and not horizontal:
        return "in the middle"
    return f"at the {' '.join(w for w in (vertical, horizontal) if w)}"


_LOCATIONS = ("at the top left", "at the top right", "at the bottom left", "at the bottom right", "in the middle",
              "at the top", "at the bottom", "at the left", "at the right")


def _make_question(rng: np.random.Generator, qtype: str, question: str, answer: str, pool: list[str],
                   antonyms: dict[str, str], antonym_prob: float) -> Question:
    """Five shuffled candidates: the answer, its antonym (with probability `antonym_prob` when it has one) and
    random distractors from `pool`."""
    chosen = [answer]
    antonym = antonyms.get(answer)
    with_antonym = antonym is not None and rng.uniform() < antonym_prob
    if with_antonym:
        chosen.append(antonym)
    rest = [p for p in pool if p not in chosen and p != antonym]
    chosen += [rest[i] for i in rng.choice(len(rest), size=5 - len(chosen), replace=False)]
    order = rng.permutation(5)
    choices = [chosen[i] for i in order]
    return Question(qtype, question, int(np.argmax(order == 0)), choices,
                    [antonyms[c] for c in choices if c in antonyms], with_antonym and qtype[0] in "CT")


def qa_questions(clip: ClipState, rng: np.random.Generator, antonym_prob: float) -> list[Question]:
    """Questions about a NExT-QA-like clip (`dynamics.sample_qa_clip`): at most one causal (CH or CW), two temporal
    (of TN, TP, TC) and one descriptive (of DC, DL, DO) question."""
    main, landmark = clip.objects[0].noun, clip.objects[1].noun
    first, second = clip.segments
    antonyms = _phrase_antonyms(landmark)
    actions, causes = _action_pool(landmark), _cause_pool(landmark)
    moving = [s for s in clip.segments if s.kind not in STATIC_BY_KIND]

    causal: list[tuple[str, str, str, list[str]]] = []
    if len(moving) == 1:
        causal.append(("CH", f"how does the {main} move", _phrase(moving[0], landmark), actions))
    for family, template in CAUSE_QUESTIONS.items():
        in_family = [s for s in moving if PAIR_BY_KIND[s.kind].cause_family == family]
        if len(in_family) == 1:
            segment = in_family[0]
            answer = PAIR_BY_KIND[segment.kind].cause[segment.member].format("", landmark)
            causal.append(("CW", template.format(main), answer, causes))

    temporal: list[tuple[str, str, str, list[str]]] = []
    if first.kind not in STATIC_BY_KIND:
        temporal.append(("TN", f"what does the {main} do after it {_phrase(first, landmark, True)}",
                         _phrase(second, landmark), actions))
    if second.kind not in STATIC_BY_KIND:
        temporal.append(("TP", f"what does the {main} do before it {_phrase(second, landmark, True)}",
                         _phrase(first, landmark), actions))
    when, segment = ("beginning", first) if rng.uniform() < 0.5 else ("end", second)
    temporal.append(("TC", f"what does the {main} do at the {when} of the video", _phrase(segment, landmark),
                     actions))

    screen = clip.screen()
    colours = list(COLOURS)
    descriptive = [
        ("DC", "how many objects are there", _NUMBERS[len(clip.objects) - 1], list(_NUMBERS)),
        ("DL", f"where is the {landmark}", _location(float(screen["x"][1, 0]), float(screen["y"][1, 0])),
         list(_LOCATIONS)),
        ("DO", f"what color is the {clip.objects[1].shape}", clip.objects[1].colour, colours),
    ]

    picked = []
    if causal:
        picked.append(causal[int(rng.integers(len(causal)))])
    picked += [temporal[i] for i in sorted(rng.choice(len(temporal), size=min(2, len(temporal)), replace=False))]
    picked.append(descriptive[int(rng.integers(len(descriptive)))])
    return [_make_question(rng, qtype, text, answer, pool, antonyms, antonym_prob)
            for qtype, text, answer, pool in picked]


# -- single-frame relational captions ---------------------------------------------------------------------------
_DIRECTIONS = ("right", "down", "left", "up")
_INVERSE = {"left of": "right of", "right of": "left of", "above": "below", "below": "above", "next to": "next to"}


def _relation(dx: float, dy: float) -> str:
    """How an object at offset (-dx, -dy) from another sits relative to it (dx, dy: other minus this)."""
    if max(abs(dx), abs(dy)) < 0.1:
        return "next to"
    if abs(dx) >= abs(dy):
        return "left of" if dx > 0 else "right of"
    return "above" if dy > 0 else "below"


def _ordered(names: list[str], keys: list[float], forward: str, backward: str, rng: np.random.Generator) -> str:
    """The objects listed along one axis, in either reading direction: "from left to right: A, B" is the same
    frame as "from right to left: B, A". Teaches the text encoder that the order of such phrases matters."""
    order = sorted(range(len(names)), key=lambda i: keys[i])
    if rng.uniform() < 0.5:
        return f"{forward}: {', '.join(names[i] for i in order)}"
    return f"{backward}: {', '.join(names[i] for i in reversed(order))}"


def frame_caption(clip: ClipState, frame: int, rng: np.random.Generator) -> str:
    """What frame `frame` of `clip` shows, object-centred and relational, with no action word: e.g. "large red
    circle pointing up left of blue square", "from left to right: red circle, blue square" or "red circle at the
    top, far from the camera, behind a cloth".

    The clauses use the spatial words of the action texts (left/right, top/bottom, up/down, close/far, cloth) in
    order-sensitive forms a single frame supports, so that the frozen text encoder learns to tell "from left to
    right" from "from right to left" (DESIGN §5: the text encoder must separate antonyms for DVDM to work).
    """
    screen = clip.screen()
    x, y, size = screen["x"][:, frame], screen["y"][:, frame], screen["size"][:, frame]
    main = clip.objects[0].noun
    size_word = "large " if size[0] >= 0.42 else "small " if size[0] <= 0.24 else ""
    descriptor = f"{size_word}{main}"
    if rng.uniform() < 0.5:
        quarter = int(math.floor(screen["angle"][0, frame] / (math.pi / 2) + 0.5)) % 4
        descriptor += f" pointing {_DIRECTIONS[quarter]}"
    visible = [i for i in range(1, len(clip.objects)) if abs(x[i] - 0.5) < 0.5 and abs(y[i] - 0.5) < 0.5]
    form = rng.uniform()
    if visible and form < 0.35:
        other = visible[int(rng.integers(len(visible)))]
        relation = _relation(float(x[other] - x[0]), float(y[other] - y[0]))
        if rng.uniform() < 0.5:
            caption = f"{descriptor} {relation} {clip.objects[other].noun}"
        else:
            caption = f"{clip.objects[other].noun} {_INVERSE[relation]} {descriptor}"
    elif visible and form < 0.7:
        shown = [0, *visible]
        names = [descriptor if i == 0 else clip.objects[i].noun for i in shown]
        if rng.uniform() < 0.5:
            caption = _ordered(names, [float(x[i]) for i in shown], "from left to right", "from right to left", rng)
        else:
            caption = _ordered(names, [float(y[i]) for i in shown], "from top to bottom", "from bottom to top", rng)
    else:
        caption = f"{descriptor} {_location(float(x[0]), float(y[0]))}"
        if size[0] >= 0.42 or size[0] <= 0.24:
            caption += ", close to the camera" if size[0] >= 0.42 else ", far from the camera"
    if clip.cover[frame] > 0.2:
        caption += f", {main} behind a cloth"
    return caption


# -- the text tower's language corpus -------------------------------------------------------------------------------
def action_wordings(spec: PairSpec | StaticSpec, member: int, objects: list[str]) -> list[str]:
    """Every wording the world has for member `member` of an action about `objects` (main object first): the
    SSv2 label, the Ego4D narration and, for paired actions, the NExT-QA-style statement, where each exists.
    A static action's member 1 is its antonym text ("Releasing something")."""
    wordings = []
    if spec.ssv2:
        wordings.append(fill_template(spec.ssv2[member], objects))
    if spec.ego4d:
        wordings.append(narration(spec.ego4d[member], objects))
    if isinstance(spec, PairSpec) and spec.qa_3sg:
        wordings.append(f"the {objects[0]} {spec.qa_3sg[member].format(*objects)}")
    return wordings


def language_line(rng: np.random.Generator) -> dict[str, str]:
    """One line of the language corpus (`pretrain/language.jsonl`): `text` and `paraphrase` word the same action
    about the same objects (in two different wordings where the action has more than one); `antonym_text` is the
    paraphrase's wording of the antonym.

    Real text towers come pretrained on language and know that "from left to right" is not "from right to left";
    the tiny ones have seen only frame captions. A paraphrase-contrastive loss on these lines, with the antonym as
    a hard negative and other lines' objects as easy ones, gives them that prior without teaching them to ignore
    objects (DESIGN §5: the frozen text encoder must tell antonyms apart).
    """
    specs = (*PAIRS, *STATICS)
    spec = specs[int(rng.integers(len(specs)))]
    member = int(rng.integers(2))
    count = spec.objects if isinstance(spec, PairSpec) else 1
    objects = [NOUNS[i] for i in rng.choice(len(NOUNS), size=count, replace=False)]
    wordings = action_wordings(spec, member, objects)
    first, second = rng.choice(len(wordings), size=2, replace=False) if len(wordings) > 1 else (0, 0)
    return {"text": wordings[first], "paraphrase": wordings[second],
            "antonym_text": action_wordings(spec, 1 - member, objects)[second]}
