"""InternVideo's text tokenisation: CLIP BPE, SOT ... EOT, zero padded to 77 ids.

Paxion calls the official `InternVideo.tokenize(texts, truncate=True)`: too long a text is cut with EOT kept as its
last id. The official function returns int32 ids; these are int64 (what `nn.Embedding` and `argmax` pooling take).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

from paxion_backbones.common.clip_bpe import get_clip_tokenizer

CONTEXT_LENGTH = 77


def tokenize(texts: str | Sequence[str], context_length: int = CONTEXT_LENGTH) -> Tensor:
    """texts -> LongTensor [B, context_length] of CLIP BPE ids (needs ftfy and regex)."""
    return get_clip_tokenizer()(texts, context_length=context_length, truncate=True)
