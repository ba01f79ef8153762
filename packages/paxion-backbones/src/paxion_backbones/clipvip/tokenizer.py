"""CLIP-ViP's text tokenizer.

Paxion tokenizes CLIP-ViP text with HF `CLIPTokenizerFast("openai/clip-vit-base-patch32")(texts, padding=True)`:
the CLIP BPE (the same ids as `paxion_backbones.common.clip_bpe` for ordinary text), SOT ... EOT, padded to the
longest text of the batch, plus an attention mask. We pad with 0 instead of HF's pad id (49407) and let the text
model derive the mask from the EOT position; the pooled EOT state is the same either way, since the causal mask
already hides everything after EOT. Texts longer than the 77 positions are cut with EOT kept (HF would pass
them on untruncated and the position embedding lookup would fail).
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor


def tokenize(texts: str | Sequence[str], context_length: int = 77) -> Tensor:
    """texts -> ids [B, L] (long): SOT, BPE ids, EOT, zero padding; L = the longest text's length, at most
    `context_length`."""
    from paxion_backbones.common.clip_bpe import get_clip_tokenizer

    texts = [texts] if isinstance(texts, str) else list(texts)
    if not texts:
        raise ValueError("tokenize got no texts")
    ids = get_clip_tokenizer()(texts, context_length=context_length, truncate=True)
    longest = int(ids.argmax(dim=-1).max()) + 1  # EOT (49407) is each row's largest id
    return ids[:, :longest]
