"""BERT WordPiece tokenizer (uncased), pure Python, with Singularity's special-token rule.

Two stages, as in Google's BERT and Hugging Face's `BertTokenizer`:

1. basic tokenisation: drop control characters, normalise whitespace, put spaces around CJK ideographs, lower-case,
   strip accents (NFD, drop combining marks) and split off every punctuation character;
2. WordPiece: greedy longest-match-first against the vocabulary, continuation pieces prefixed with ``##``; a word
   with no full segmentation (or longer than 100 characters) becomes ``[UNK]``.

Singularity's tokenizer puts ``[CLS]`` first and appends **no** ``[SEP]`` (its `build_inputs_with_special_tokens`
returns ``[CLS] X``), truncates to `max_length` and pads with ``[PAD]`` = 0 up to `max_length`
(``padding="max_length"``); the text encoder's attention mask is ``ids != 0``.

The vocabulary is bert-base-uncased's (30,522 entries), shipped as package data and checked against its sha256 at
load time (see VOCAB_SOURCES.md).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import torch
from torch import Tensor

VOCAB_FILE = "bert-base-uncased-vocab.txt"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
VOCAB_SIZE = 30522
PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIAL_TOKENS = (PAD, UNK, CLS, SEP, MASK)
MAX_CHARS_PER_WORD = 100
# max_txt_l of configs/pretrained_singularity_temporal_17m.yaml (the config Paxion loads the backbone with).
DEFAULT_MAX_LENGTH = 32


class VocabularyError(RuntimeError):
    """The vocabulary file is missing, altered or malformed."""


def load_vocab(path: str | Path | None = None, sha256: str | None = VOCAB_SHA256) -> dict[str, int]:
    """token -> id from a one-token-per-line file (id = line number, from 0).

    Without `path` the shipped bert-base-uncased vocabulary is read. `sha256` (the shipped file's by default; None to
    skip) is checked before parsing, so a corrupted or swapped file fails loudly instead of tokenising wrongly.
    """
    if path is None:
        data = resources.files(__package__).joinpath(VOCAB_FILE).read_bytes()
        source = f"{__package__}/{VOCAB_FILE}"
    else:
        path = Path(path)
        if not path.is_file():
            raise VocabularyError(f"vocabulary file not found: {path}")
        data, source = path.read_bytes(), str(path)
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise VocabularyError(
                f"{source}: sha256 {digest} does not match the expected {sha256}; the file is damaged or not the "
                "bert-base-uncased vocabulary (reinstall paxion-backbones, or pass sha256=None for your own vocabulary)"
            )
    vocab: dict[str, int] = {}
    for line_no, token in enumerate(data.decode("utf-8").splitlines()):
        if not token or token in vocab:
            raise VocabularyError(f"{source}:{line_no + 1}: {'empty' if not token else 'duplicate'} token {token!r}")
        vocab[token] = line_no
    missing = [t for t in SPECIAL_TOKENS if t not in vocab]
    if missing:
        raise VocabularyError(f"{source}: special tokens {missing} are missing")
    return vocab


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    """Any C* category (Hugging Face's rule, which Singularity's tokenizer imports; Google's keeps only Cc, Cf)."""
    if char in "\t\n\r":  # counted as whitespace
        return False
    return unicodedata.category(char).startswith("C")


def _is_punctuation(char: str) -> bool:
    """Unicode P* categories plus every non-alphanumeric printable ASCII character (so ^, $, ` split too)."""
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    """CJK Unified Ideographs blocks (not Hangul or kana, which are written with spaces)."""
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF
            or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text: str) -> list[str]:
    """Lower-cased, accent-stripped words and single punctuation characters (special tokens kept whole)."""
    chars = []
    for char in text:
        cp = ord(char)
        if cp == 0 or cp == 0xFFFD or _is_control(char):
            continue
        if _is_cjk(cp):
            chars.append(f" {char} ")
        else:
            chars.append(" " if _is_whitespace(char) else char)
    words: list[str] = []
    for word in "".join(chars).split():
        if word in SPECIAL_TOKENS:
            words.append(word)
            continue
        word = unicodedata.normalize("NFD", word.lower())
        word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        current: list[str] = []
        for char in word:
            if _is_punctuation(char):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(char)
            else:
                current.append(char)
        if current:
            words.append("".join(current))
    return words


class BertWordPieceTokenizer:
    """texts -> Singularity token ids [B, max_length]: ``[CLS]`` + WordPiece ids, no ``[SEP]``, 0-padded.

    >>> tok = BertWordPieceTokenizer()
    >>> tok(["a man is slicing"])[0, :6].tolist()
    [101, 1037, 2158, 2003, 26514, 0]
    """

    def __init__(self, vocab: dict[str, int] | None = None, max_length: int = DEFAULT_MAX_LENGTH):
        if max_length < 2:
            raise ValueError(f"max_length must leave room for [CLS] and one token, got {max_length}")
        self.vocab = load_vocab() if vocab is None else dict(vocab)
        self.max_length = max_length
        self.pad_id, self.unk_id, self.cls_id = self.vocab[PAD], self.vocab[UNK], self.vocab[CLS]
        if self.pad_id != 0:
            raise VocabularyError(f"{PAD} must have id 0 (the attention mask is ids != 0), got {self.pad_id}")
        self._wordpiece = lru_cache(maxsize=65536)(self._wordpiece_uncached)
        self._encode_text = lru_cache(maxsize=65536)(self._encode_uncached)  # training repeats the same captions

    def __len__(self) -> int:
        return len(self.vocab)

    def _wordpiece_uncached(self, word: str) -> tuple[str, ...]:
        if len(word) > MAX_CHARS_PER_WORD:
            return (UNK,)
        pieces: list[str] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    break
                end -= 1
            else:  # no prefix of the rest is in the vocabulary
                return (UNK,)
            pieces.append(piece)
            start = end
        return tuple(pieces)

    def tokenize(self, text: str) -> list[str]:
        """text -> WordPiece strings, without special tokens."""
        return [piece for word in basic_tokenize(text) for piece in self._wordpiece(word)]

    def encode(self, text: str) -> list[int]:
        """text -> ``[CLS]`` + WordPiece ids, truncated to `max_length`, not padded."""
        return list(self._encode_text(text))

    def _encode_uncached(self, text: str) -> tuple[int, ...]:
        ids = [self.vocab.get(piece, self.unk_id) for piece in self.tokenize(text)]
        return (self.cls_id, *ids[: self.max_length - 1])

    def __call__(self, texts: str | Sequence[str]) -> Tensor:
        """texts -> long tensor [B, max_length] (0 = padding)."""
        if isinstance(texts, str):
            texts = [texts]
        out = torch.full((len(texts), self.max_length), self.pad_id, dtype=torch.long)
        for row, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {row} is a {type(text).__name__}, expected str")
            ids = self.encode(text)
            out[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out
