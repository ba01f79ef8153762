"""CLIP's byte-level BPE tokenizer, written from the published algorithm (OpenAI CLIP, MIT licence).

The vocabulary (`bpe_simple_vocab_16e6.txt.gz`, 49,152 merge lines of which CLIP uses the first 48,894) ships as package
data; its sha256 is checked on load (see VOCAB_SOURCES.md for where it comes from). Ids:

    0..255      the 256 byte symbols           256..511   the same with the end-of-word mark "</w>"
    512..49405  one id per merge rule, in rank order
    49406       <|startoftext|>                 49407      <|endoftext|>

Needs `ftfy` and `regex` (the `internvideo` / `clipvip` extras); both are imported on first use so that this module
imports without them.

    >>> tok = get_clip_tokenizer()
    >>> tok(["a man is slicing a tomato"])[0, :9].tolist()
    [49406, 320, 786, 533, 19692, 519, 320, 9867, 49407]
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import re
from collections.abc import Sequence
from pathlib import Path

import torch

VOCAB_FILE = Path(__file__).with_name("bpe_simple_vocab_16e6.txt.gz")
VOCAB_SHA256 = "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a"
NUM_MERGES = 49152 - 256 - 2  # merge rules CLIP uses: 49,408 ids = 2·256 byte symbols + merges + 2 specials
START_OF_TEXT = "<|startoftext|>"
END_OF_TEXT = "<|endoftext|>"
END_OF_WORD = "</w>"
INSTALL_HINT = "pip install 'paxion-backbones[internvideo]'  (or: pip install ftfy regex)"
# Pre-tokenisation: the special tokens, English clitics, runs of letters, single digits, runs of other symbols.
PRETOKENIZE_PATTERN = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


class VocabFileError(RuntimeError):
    """The BPE vocabulary file is missing or is not the expected one."""


@functools.cache
def byte_symbols() -> dict[int, str]:
    """byte value -> printable unicode symbol; the insertion order is CLIP's id order of the 256 byte symbols.

    Printable Latin-1 bytes stand for themselves; the other bytes take code points 256, 257, ... in byte order.
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    symbols = {byte: chr(byte) for byte in printable}
    for offset, byte in enumerate(b for b in range(256) if b not in symbols):
        symbols[byte] = chr(256 + offset)
    return symbols


def _require(module: str):
    try:
        return __import__(module)
    except ImportError as exc:
        raise ImportError(f"the CLIP BPE tokenizer needs `{module}`: {INSTALL_HINT}") from exc


def clean_text(text: str) -> str:
    """CLIP's text cleaning: ftfy.fix_text, HTML unescape (twice), whitespace collapsed and stripped, lower-case."""
    ftfy = _require("ftfy")
    text = html.unescape(html.unescape(ftfy.fix_text(text)))
    return re.sub(r"\s+", " ", text).strip().lower()


class ClipBPETokenizer:
    """CLIP BPE: `encode(text)` -> ids without SOT/EOT; `tokenizer(texts)` -> [B, context_length] long ids."""

    def __init__(self, vocab_file: str | Path = VOCAB_FILE, expected_sha256: str | None = VOCAB_SHA256):
        regex = _require("regex")
        vocab_file = Path(vocab_file)
        if not vocab_file.is_file():
            raise VocabFileError(f"CLIP BPE vocabulary not found: {vocab_file} (reinstall paxion-backbones)")
        data = vocab_file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if expected_sha256 is not None and digest != expected_sha256:
            raise VocabFileError(f"{vocab_file} has sha256 {digest}, expected {expected_sha256}: the file is damaged "
                                 "or not CLIP's bpe_simple_vocab_16e6.txt.gz (reinstall paxion-backbones)")
        lines = gzip.decompress(data).decode("utf-8").split("\n")
        merges = [tuple(line.split()) for line in lines[1:1 + NUM_MERGES]]  # line 0 is a version header
        if len(merges) != NUM_MERGES or any(len(pair) != 2 for pair in merges):
            raise VocabFileError(f"{vocab_file}: expected {NUM_MERGES} merge lines of two symbols after the header")

        self.byte_encoder = byte_symbols()
        base = list(self.byte_encoder.values())
        merged = ["".join(pair) for pair in merges]
        vocab = [*base, *(s + END_OF_WORD for s in base), *merged, START_OF_TEXT, END_OF_TEXT]
        self.encoder: dict[str, int] = {symbol: index for index, symbol in enumerate(vocab)}
        self.decoder: dict[int, str] = dict(enumerate(vocab))
        self.byte_decoder: dict[str, int] = {symbol: byte for byte, symbol in self.byte_encoder.items()}
        self.merge_ranks: dict[tuple[str, str], int] = {pair: rank for rank, pair in enumerate(merges)}
        self.sot_token: int = self.encoder[START_OF_TEXT]
        self.eot_token: int = self.encoder[END_OF_TEXT]
        self.vocab_size: int = len(vocab)
        self._pattern = regex.compile(PRETOKENIZE_PATTERN, regex.IGNORECASE)
        self._cache: dict[str, list[str]] = {START_OF_TEXT: [START_OF_TEXT], END_OF_TEXT: [END_OF_TEXT]}
        # Training re-tokenizes the same captions every step, and cleaning (ftfy) costs more than the BPE itself.
        self._encode_text = functools.lru_cache(maxsize=65536)(self._encode_uncached)

    def _bpe(self, word: str) -> list[str]:
        """Byte-symbol string of one pre-token -> its BPE symbols (the last one carries "</w>")."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = [*word[:-1], word[-1] + END_OF_WORD]
        while len(parts) > 1:
            pairs = zip(parts[:-1], parts[1:], strict=True)
            best = min(pairs, key=lambda pair: self.merge_ranks.get(pair, len(self.merge_ranks)))
            if best not in self.merge_ranks:
                break
            merged: list[str] = []
            i = 0
            while i < len(parts):  # merge every non-overlapping occurrence of `best`, left to right
                if i + 1 < len(parts) and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self._cache[word] = parts
        return parts

    def encode(self, text: str) -> list[int]:
        """text -> BPE ids, without SOT/EOT, after CLIP's cleaning (see `clean_text`)."""
        return list(self._encode_text(text))

    def _encode_uncached(self, text: str) -> tuple[int, ...]:
        ids: list[int] = []
        for piece in self._pattern.findall(clean_text(text)):
            symbols = "".join(self.byte_encoder[byte] for byte in piece.encode("utf-8"))
            ids.extend(self.encoder[symbol] for symbol in self._bpe(symbols))
        return tuple(ids)

    def decode(self, ids: Sequence[int]) -> str:
        """ids (no padding) -> text in its cleaned, lower-cased form, each word followed by a space."""
        symbols = "".join(self.decoder[int(i)] for i in ids)
        text = bytes(self.byte_decoder[s] for s in symbols).decode("utf-8", errors="replace")
        return text.replace(END_OF_WORD, " ")

    def __call__(self, texts: str | Sequence[str], context_length: int = 77, truncate: bool = True) -> torch.Tensor:
        """texts -> LongTensor [B, context_length]: SOT, ids, EOT, then zeros.

        Too long a text is cut to `context_length` with EOT kept as its last token when `truncate`, else refused.
        """
        if isinstance(texts, str):
            texts = [texts]
        if context_length < 2:
            raise ValueError(f"context_length must be at least 2 (SOT and EOT), got {context_length}")
        out = torch.zeros(len(texts), context_length, dtype=torch.long)
        for row, text in enumerate(texts):
            ids = [self.sot_token, *self.encode(text), self.eot_token]
            if len(ids) > context_length:
                if not truncate:
                    raise ValueError(f"text {row} has {len(ids)} tokens with SOT/EOT, more than context_length="
                                     f"{context_length}; pass truncate=True to cut it: {text[:80]!r}")
                ids = ids[: context_length - 1] + [self.eot_token]
            out[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out


@functools.lru_cache(maxsize=1)
def get_clip_tokenizer() -> ClipBPETokenizer:
    """The process-wide CLIP tokenizer over the bundled vocabulary (built once, ~1 s)."""
    return ClipBPETokenizer()


def drop_padding_after_eot(ids: torch.Tensor) -> torch.Tensor:
    """ids [B, L] -> ids [B, L'] without the columns after the batch's last EOT (the largest id in each row).

    For a causal text encoder pooled at EOT this is exact: no position sees a later one, so padding after the last
    EOT cannot change any EOT feature (and a 77-token context is mostly padding). Meta-device ids (shape checks)
    have no values and are returned whole.
    """
    return ids if ids.is_meta else ids[:, : int(ids.argmax(dim=-1).max()) + 1]
