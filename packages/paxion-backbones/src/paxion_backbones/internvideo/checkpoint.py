"""Official InternVideo-MM checkpoint keys <-> this implementation's keys (both directions, rule-based).

The released `InternVideo-MM-L-14.ckpt` is a PyTorch Lightning checkpoint, `{"state_dict": {"clip.<key>": tensor},
...}`, where `<key>` names a parameter of the official `VideoIntern` module (clip_utils/model.py, with the vision tower
of clip_utils/utils/clip_vit_only_global.py). The official loader keeps only the `clip.` keys and strips that prefix;
so does `map_official_state_dict`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from torch import Tensor

from paxion_core.checkpoint import CheckpointError, strip_prefix

OFFICIAL_PREFIX = "clip."

# (official key, our key). "{n}" is a block index; a name ending in "." covers every key below it. First match wins.
KEY_RULES: tuple[tuple[str, str], ...] = (
    ("visual.conv1.", "visual.patch_embed."),
    ("visual.class_embedding", "visual.cls_embedding"),
    ("visual.positional_embedding", "visual.pos_embed"),
    ("visual.ln_pre.", "visual.ln_pre."),
    ("visual.transformer.resblocks.{n}.", "visual.blocks.{n}."),
    ("visual.transformer.temporal_cls_token", "temporal.cls_token"),
    ("visual.transformer.dpe.{n}.", "temporal.dpe.{n}."),
    ("visual.transformer.dec.{n}.ln_3.", "temporal.layers.{n}.ln_kv."),
    ("visual.transformer.dec.{n}.", "temporal.layers.{n}."),
    ("visual.transformer.balance", "temporal.balance"),
    ("visual_ln_post.", "ln_post."),
    ("visual_proj", "visual_proj"),
    ("token_embedding.", "text.token_embedding."),
    ("positional_embedding", "text.pos_embed"),
    ("transformer.resblocks.{n}.", "text.blocks.{n}."),
    ("ln_final.", "text.ln_final."),
    ("text_mask_embedding", "text.mask_embedding"),
    ("text_projection", "text_projection"),
    ("logit_scale", "log_logit_scale"),
)


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.escape(template).replace(re.escape("{n}"), r"(\d+)")
    return re.compile(pattern + ("(.*)" if template.endswith(".") else ""))


def _rules(reverse: bool) -> list[tuple[re.Pattern[str], str]]:
    return [(_compile(dst), src) if reverse else (_compile(src), dst) for src, dst in KEY_RULES]


_TO_OURS = _rules(reverse=False)
_TO_OFFICIAL = _rules(reverse=True)


def _rename(key: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    """The first matching rule's target with the block index and the rest of the key filled in; else `key` itself."""
    for pattern, target in rules:
        match = pattern.fullmatch(key)
        if match:
            groups = list(match.groups())
            if "{n}" in target:
                target = target.replace("{n}", groups.pop(0))
            return target + (groups[0] if groups else "")
    return key


def official_to_ours(key: str) -> str:
    """Official key (without `clip.`) -> our key. Keys that no rule covers come back unchanged."""
    return _rename(key, _TO_OURS)


def ours_to_official(key: str) -> str:
    """Our key -> official key (without `clip.`). The inverse of `official_to_ours`."""
    return _rename(key, _TO_OFFICIAL)


def map_official_state_dict(checkpoint: Mapping) -> dict[str, Tensor]:
    """Official checkpoint (as read from disk) -> state dict with `InternVideoBackbone` keys.

    Accepts the Lightning file (`{"state_dict": {...}}`) or its bare state dict. Only `clip.` keys are kept (as the
    official `load_model` does), the prefix is stripped and each key renamed ({n} = block index):

    =========================================== ======================================
    official key (after ``clip.``)              ours
    =========================================== ======================================
    visual.conv1.weight                         visual.patch_embed.weight
    visual.class_embedding                      visual.cls_embedding
    visual.positional_embedding                 visual.pos_embed
    visual.ln_pre.*                             visual.ln_pre.*
    visual.transformer.resblocks.{n}.*          visual.blocks.{n}.*
    visual.transformer.temporal_cls_token       temporal.cls_token
    visual.transformer.dpe.{n}.*                temporal.dpe.{n}.*
    visual.transformer.dec.{n}.ln_3.*           temporal.layers.{n}.ln_kv.*
    visual.transformer.dec.{n}.*  (other)       temporal.layers.{n}.*
    visual.transformer.balance                  temporal.balance
    visual_ln_post.*                            ln_post.*
    visual_proj                                 visual_proj
    token_embedding.weight                      text.token_embedding.weight
    positional_embedding                        text.pos_embed
    transformer.resblocks.{n}.*                 text.blocks.{n}.*
    ln_final.*                                  text.ln_final.*
    text_mask_embedding                         text.mask_embedding
    text_projection                             text_projection
    logit_scale                                 log_logit_scale
    =========================================== ======================================

    Inside blocks the names are the same on both sides (attn.in_proj_weight/in_proj_bias/out_proj.*, ln_1, ln_2,
    mlp.c_fc, mlp.c_proj). Keys no rule covers keep their official name, so a strict load reports them as unexpected.
    """
    state = checkpoint.get("state_dict", checkpoint)
    if not isinstance(state, Mapping):
        raise CheckpointError(f"checkpoint['state_dict'] is a {type(state).__name__}, expected a dict of tensors")
    clip_state = strip_prefix(state, OFFICIAL_PREFIX)
    if not clip_state:
        first = ", ".join(list(map(str, state))[:5]) or "none"
        raise CheckpointError(f"no '{OFFICIAL_PREFIX}'-prefixed weights among {len(state)} keys (first: {first}): this "
                              "is not an InternVideo-MM checkpoint such as InternVideo-MM-L-14.ckpt")
    for key, value in clip_state.items():
        if not isinstance(value, Tensor):
            raise CheckpointError(f"checkpoint entry '{OFFICIAL_PREFIX}{key}' is a {type(value).__name__}, "
                                  "not a tensor")
    return {official_to_ours(key): value for key, value in clip_state.items()}


def to_official_checkpoint(state_dict: Mapping[str, Tensor]) -> dict[str, dict[str, Tensor]]:
    """Our state dict -> the official Lightning layout `{"state_dict": {"clip.<official key>": tensor}}`.

    Lets weights trained here (e.g. the in-repo tiny backbones) travel the same loading path as the released file.
    """
    return {"state_dict": {OFFICIAL_PREFIX + ours_to_official(key): value for key, value in state_dict.items()}}
