"""The shared CLIP BPE tokenizer (paxion_backbones.common.clip_bpe)."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from paxion_backbones.common.clip_bpe import (
    VOCAB_FILE,
    VOCAB_SHA256,
    ClipBPETokenizer,
    VocabFileError,
    get_clip_tokenizer,
)

SOT, EOT = 49406, 49407

# Ids produced by OpenAI CLIP's own simple_tokenizer.py (the copy vendored in MikeWangWZHL/Paxion src/InternVideo),
# run once by hand on these strings; the implementation under test never saw that code.
GOLDEN = {
    "a man is slicing a tomato": [320, 786, 533, 19692, 519, 320, 9867],
    "Pushing something from left to right": [11549, 2006, 633, 1823, 531, 1155],
    "Putting [something] onto <b>a table</b>": [5154, 314, 2006, 316, 3141, 283, 321, 285, 320, 2175, 34308, 321, 285],
    "  Ünïcödé   tëxt —  ½ ☃ 😀 ": [6522, 77, 35689, 66, 7255, 67, 4166, 83, 29526, 1052, 2005, 33613, 1741, 481, 7334],
    "don't they'll we've I'm 1234 x2": [847, 713, 889, 1342, 649, 1200, 328, 880, 272, 273, 274, 275, 343, 273],
    "#C C picks up the knife": [258, 322, 322, 8551, 705, 518, 8960],
}


@pytest.fixture(scope="module")
def tok() -> ClipBPETokenizer:
    return get_clip_tokenizer()


def test_golden_ids_of_the_paper_example(tok):
    ids = tok(["a man is slicing a tomato"])
    expected = torch.zeros(1, 77, dtype=torch.long)
    expected[0, :9] = torch.tensor([SOT, 320, 786, 533, 19692, 519, 320, 9867, EOT])
    assert ids.dtype == torch.long
    assert torch.equal(ids, expected)


@pytest.mark.parametrize("text", list(GOLDEN))
def test_encode_matches_openai_clip(tok, text):
    assert tok.encode(text) == GOLDEN[text]


def test_special_ids_and_vocabulary_size(tok):
    assert (tok.sot_token, tok.eot_token, tok.vocab_size) == (SOT, EOT, 49408)
    assert tok.encode("<|endoftext|>") == [EOT]


def test_cleaning_collapses_whitespace_unescapes_html_and_lowercases(tok):
    assert tok.encode("  A\tMAN\n is   SLICING a tomato ") == GOLDEN["a man is slicing a tomato"]
    assert tok.encode("salt &amp;amp; pepper") == tok.encode("salt & pepper")


def test_batch_pads_with_zeros_after_eot(tok):
    ids = tok(["a", "a man is slicing a tomato"], context_length=12)
    assert ids.shape == (2, 12)
    assert ids[0, :3].tolist() == [SOT, 320, EOT] and ids[0, 3:].eq(0).all()
    assert ids[1, 8].item() == EOT and ids[1, 9:].eq(0).all()


def test_truncation_keeps_eot_last_or_refuses(tok):
    long_text = " ".join(["tomato"] * 100)
    ids = tok([long_text], context_length=77, truncate=True)
    assert ids.shape == (1, 77)
    assert ids[0, 0].item() == SOT and ids[0, -1].item() == EOT
    assert ids[0, 1:-1].eq(tok.encode("tomato")[0]).all()
    with pytest.raises(ValueError, match="truncate=True"):
        tok([long_text], truncate=False)


def test_decode_inverts_encode(tok):
    assert tok.decode(tok.encode("A man is slicing  a Tomato!")) == "a man is slicing a tomato ! "


def test_get_clip_tokenizer_is_a_singleton():
    assert get_clip_tokenizer() is get_clip_tokenizer()


def test_vocab_file_is_checked_by_sha256(tmp_path):
    assert hashlib.sha256(VOCAB_FILE.read_bytes()).hexdigest() == VOCAB_SHA256
    damaged = tmp_path / "bpe.txt.gz"
    data = bytearray(VOCAB_FILE.read_bytes())
    data[-1] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(VocabFileError, match=str(damaged)):
        ClipBPETokenizer(damaged)
    with pytest.raises(VocabFileError, match="not found"):
        ClipBPETokenizer(tmp_path / "missing.txt.gz")


def test_module_imports_without_ftfy_and_regex_and_says_how_to_fix():
    script = (
        "import sys; sys.modules['ftfy'] = None; sys.modules['regex'] = None\n"
        "from paxion_backbones.common.clip_bpe import ClipBPETokenizer\n"
        "try:\n    ClipBPETokenizer()\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parent)
    assert out.returncode == 0, out.stderr
    assert "pip install 'paxion-backbones[internvideo]'" in out.stdout
