"""Official Singularity checkpoints -> `SingularityBackbone` state dicts.

The released file (e.g. ``singularity_temporal_17m.pth``) is ``{"model": state_dict, ...}`` saved from the
pre-training model, whose text encoder is a `BertForMaskedLM` (keys ``text_encoder.bert.*`` plus the MLM head
``text_encoder.cls.*``) and whose BEiT is Hugging Face's `BeitModel`. `map_official_checkpoint` does what the
official loader (Paxion's `PatchAndFuseSingularity._load_backbone`) does, then renames to our modules:

1. ``text_encoder.bert.X`` -> ``text_encoder.X`` (the retrieval model's text encoder is a plain `BertModel`);
2. drop buffers and heads the retrieval model does not have: ``*.relative_position_index`` (rebuilt from the grid),
   ``text_encoder.embeddings.position_ids`` (``arange``), ``text_encoder.cls.*`` (the MLM head);
3. ``temporal_embeddings`` ``[1, T_ckpt, 1, D]`` -> ``temporal_embed`` ``[num_frames, D]``, zero-padded when
   ``T_ckpt < num_frames`` (the released model was trained on 4 frames; Paxion uses 8) and cropped when larger
   (`load_temp_embed_with_mismatch(add_zero=True)`);
4. rename (``{i}`` = layer index; ``.weight``/``.bias`` follow the module):

=====================================================================================  =================================
official                                                                               ours
=====================================================================================  =================================
vision_encoder.embeddings.cls_token                                                    vision.cls_token
vision_encoder.embeddings.position_embeddings (absolute, only when the size has one)   vision.pos_embed
vision_encoder.embeddings.patch_embeddings.projection                                  vision.patch_embed
vision_encoder.encoder.layer.{i}.layernorm_before / layernorm_after                    vision.blocks.{i}.norm1 / norm2
vision_encoder.encoder.layer.{i}.attention.attention.query / key / value               vision.blocks.{i}.attn.q / k / v
vision_encoder.encoder.layer.{i}.attention.attention.relative_position_bias
    .relative_position_bias_table                                                      vision.blocks.{i}.rel_pos.table
vision_encoder.encoder.layer.{i}.attention.output.dense                                vision.blocks.{i}.attn.proj
vision_encoder.encoder.layer.{i}.lambda_1 / lambda_2                                   vision.blocks.{i}.gamma1 / gamma2
vision_encoder.encoder.layer.{i}.intermediate.dense / output.dense                     vision.blocks.{i}.mlp.fc1 / fc2
vision_encoder.pooler.layernorm                                                        vision.pool_norm
vision_layernorm                                                                       vision_norm
temporal_embeddings                                                                    temporal_embed
temporal_vision_encoder.layer.{i}.<BERT layer>                                         temporal.{i}.<layer>
text_encoder.embeddings.word_embeddings / position_embeddings / token_type_embeddings  text.token_embed / pos_embed /
                                                                                       type_embed
text_encoder.embeddings.LayerNorm                                                      text.embed_norm
text_encoder.encoder.layer.{i}.<BERT layer>                                            text.layers.{i}.<layer>
vision_proj, text_proj, itm_head, temp                                                 (same)
=====================================================================================  =================================

BERT layer: ``attention.self.query / key / value`` -> ``attn.q / k / v``, ``attention.output.dense`` -> ``attn.proj``,
``attention.output.LayerNorm`` -> ``attn_norm``, ``crossattention.self.*`` / ``crossattention.output.dense`` ->
``cross_attn.*`` / ``cross_attn.proj``, ``crossattention.output.LayerNorm`` -> ``cross_norm``,
``intermediate.dense`` -> ``mlp.fc1``, ``output.dense`` -> ``mlp.fc2``, ``output.LayerNorm`` -> ``mlp_norm``.

A key that matches none of these keeps its name: our own names (a `SingularityBackbone.state_dict()`) pass through,
and any other key is reported by a strict load as unexpected under its official name.
BEiT's relative position tables are not interpolated: a checkpoint for another image size is reported as mis-shaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import torch
from torch import Tensor

from paxion_core.checkpoint import CheckpointError

_BEIT_LAYER = {
    "layernorm_before": "norm1",
    "attention.attention.query": "attn.q",
    "attention.attention.key": "attn.k",
    "attention.attention.value": "attn.v",
    "attention.attention.relative_position_bias.relative_position_bias_table": "rel_pos.table",
    "attention.output.dense": "attn.proj",
    "lambda_1": "gamma1",
    "layernorm_after": "norm2",
    "intermediate.dense": "mlp.fc1",
    "output.dense": "mlp.fc2",
    "lambda_2": "gamma2",
}
_BERT_LAYER = {
    "attention.self.query": "attn.q",
    "attention.self.key": "attn.k",
    "attention.self.value": "attn.v",
    "attention.output.dense": "attn.proj",
    "attention.output.LayerNorm": "attn_norm",
    "crossattention.self.query": "cross_attn.q",
    "crossattention.self.key": "cross_attn.k",
    "crossattention.self.value": "cross_attn.v",
    "crossattention.output.dense": "cross_attn.proj",
    "crossattention.output.LayerNorm": "cross_norm",
    "intermediate.dense": "mlp.fc1",
    "output.dense": "mlp.fc2",
    "output.LayerNorm": "mlp_norm",
}
_LAYER_GROUPS = (  # official layer prefix (index captured) -> our prefix, per-layer table
    (re.compile(r"vision_encoder\.encoder\.layer\.(\d+)\.(.+)"), "vision.blocks.{}.", _BEIT_LAYER),
    (re.compile(r"temporal_vision_encoder\.layer\.(\d+)\.(.+)"), "temporal.{}.", _BERT_LAYER),
    (re.compile(r"text_encoder\.encoder\.layer\.(\d+)\.(.+)"), "text.layers.{}.", _BERT_LAYER),
)
_TOP_LEVEL = {
    "vision_encoder.embeddings.cls_token": "vision.cls_token",
    "vision_encoder.embeddings.position_embeddings": "vision.pos_embed",
    "vision_encoder.embeddings.patch_embeddings.projection": "vision.patch_embed",
    "vision_encoder.pooler.layernorm": "vision.pool_norm",
    "vision_layernorm": "vision_norm",
    "temporal_embeddings": "temporal_embed",
    "text_encoder.embeddings.word_embeddings": "text.token_embed",
    "text_encoder.embeddings.position_embeddings": "text.pos_embed",
    "text_encoder.embeddings.token_type_embeddings": "text.type_embed",
    "text_encoder.embeddings.LayerNorm": "text.embed_norm",
    "vision_proj": "vision_proj",
    "text_proj": "text_proj",
    "itm_head": "itm_head",
    "temp": "temp",
}
_DROPPED = re.compile(r".*\.relative_position_index|text_encoder\.embeddings\.position_ids|text_encoder\.cls\..*")
_BERT_PREFIX, _TEXT_PREFIX = "text_encoder.bert.", "text_encoder."


def _lookup(name: str, table: Mapping[str, str]) -> str | None:
    """`name` -> ours via `table`, matching the whole name or its module (the part before the last dot)."""
    if name in table:
        return table[name]
    module, _, param = name.rpartition(".")
    return f"{table[module]}.{param}" if module in table else None


def rename_official_key(key: str) -> str | None:
    """One official key (after the ``bert.`` strip) -> ours; None when it is not ours to map."""
    for pattern, prefix, table in _LAYER_GROUPS:
        match = pattern.fullmatch(key)
        if match:
            rest = _lookup(match.group(2), table)
            return prefix.format(match.group(1)) + rest if rest is not None else None
    return _lookup(key, _TOP_LEVEL)


def fit_temporal_embedding(embed: Tensor, num_frames: int) -> Tensor:
    """Official ``temporal_embeddings`` [1, T, 1, D] (or ours [T, D]) -> [num_frames, D]: zero-padded or cropped in T.

    Any other layout is returned unchanged for the strict load to report as mis-shaped.
    """
    if embed.ndim == 4 and embed.shape[0] == 1 and embed.shape[2] == 1:
        embed = embed[0, :, 0]
    if embed.ndim != 2:
        return embed
    if embed.shape[0] >= num_frames:
        return embed[:num_frames]
    padding = embed.new_zeros(num_frames - embed.shape[0], embed.shape[1])
    return torch.cat([embed, padding])


def singularity_state_dict(checkpoint: Mapping) -> Mapping[str, Tensor]:
    """The state dict inside a checkpoint: ``checkpoint["model"]`` (official files) or the mapping itself.

    Keys may be official (``vision_encoder.*``) or already ours (``vision.*``, e.g. `SingularityBackbone.state_dict()`
    of a model trained in this repository): our names pass through the mapping unchanged.
    """
    state = checkpoint.get("model", checkpoint)
    if not isinstance(state, Mapping) or not any(str(k).startswith(("vision_encoder.", "vision.")) for k in state):
        top = ", ".join(map(str, list(checkpoint)[:10]))
        raise CheckpointError(
            "not an official Singularity checkpoint: expected {'model': {'vision_encoder.embeddings.cls_token': ..., "
            f"'text_encoder.bert.embeddings.word_embeddings.weight': ...}}}} or a SingularityBackbone state dict; "
            f"top-level keys: [{top}]"
        )
    return state


def map_official_checkpoint(checkpoint: Mapping, num_frames: int) -> dict[str, Tensor]:
    """Official checkpoint -> state dict with `SingularityBackbone` key names (steps 1-4 of the module docstring)."""
    mapped: dict[str, Tensor] = {}
    for key, value in singularity_state_dict(checkpoint).items():
        if key.startswith(_BERT_PREFIX):
            key = _TEXT_PREFIX + key[len(_BERT_PREFIX):]
        if _DROPPED.fullmatch(key):
            continue
        ours = rename_official_key(key) or key
        if ours in mapped:
            raise CheckpointError(f"checkpoint key {key!r} maps to {ours!r}, which another key already filled")
        mapped[ours] = fit_temporal_embedding(value, num_frames) if ours == "temporal_embed" else value
    return mapped
