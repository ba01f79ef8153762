"""Official CLIP-ViP checkpoints -> `ClipVipBackbone` state dicts.

The released files (`pretrain_clipvip_base_32.pt`, `pretrain_clipvip_base_16.pt`, microsoft/XPretrain) are the
plain `state_dict()` of the `VidCLIP` wrapper, saved by its `ModelSaver` after apex O2 training (tensors may be
fp16; `load_state_dict_strict` casts them to the model's dtype). Every key starts with `clipmodel.`, the wrapper's
attribute holding HF-style `CLIPModel`; `ClipVipBackbone` keeps the same attribute name and module tree.
"""

from __future__ import annotations

from collections.abc import Mapping

from torch import Tensor

from paxion_core.checkpoint import CheckpointError

OFFICIAL_PREFIX = "clipmodel."
# HF's `arange(num_positions)` index buffers, saved with the weights; ours index the embeddings directly.
DROPPED_BUFFERS = (
    OFFICIAL_PREFIX + "vision_model.embeddings.position_ids",
    OFFICIAL_PREFIX + "text_model.embeddings.position_ids",
)


def checkpoint_filter_fn(checkpoint: Mapping[str, Tensor]) -> dict[str, Tensor]:
    """Official CLIP-ViP state dict -> ours. N = layer index (0-11 in B/32 and B/16).

    =====================================================================  =========================
    official key (`VidCLIP.state_dict()`)                                  ours
    =====================================================================  =========================
    clipmodel.vision_model.embeddings.class_embedding            [768]      same key
    clipmodel.vision_model.embeddings.added_cls                  [3, 768]   same key
    clipmodel.vision_model.embeddings.patch_embedding.weight     [768,3,p,p] same key
    clipmodel.vision_model.embeddings.position_embedding.weight  [P+1, 768] same key
    clipmodel.vision_model.embeddings.temporal_embedding         [1,12,768] same key
    clipmodel.vision_model.embeddings.position_ids               [1, P+1]   dropped (index buffer)
    clipmodel.vision_model.pre_layrnorm.{weight,bias}                       same key
    clipmodel.vision_model.encoder.layers.N.self_attn.{q,k,v,out}_proj.{weight,bias}  same key
    clipmodel.vision_model.encoder.layers.N.layer_norm{1,2}.{weight,bias}   same key
    clipmodel.vision_model.encoder.layers.N.mlp.fc{1,2}.{weight,bias}       same key
    clipmodel.vision_model.post_layernorm.{weight,bias}                     same key
    clipmodel.text_model.embeddings.token_embedding.weight       [49408,512] same key
    clipmodel.text_model.embeddings.position_embedding.weight    [77, 512]  same key
    clipmodel.text_model.embeddings.position_ids                 [1, 77]    dropped (index buffer)
    clipmodel.text_model.encoder.layers.N.*  (as in the vision encoder)     same key
    clipmodel.text_model.final_layer_norm.{weight,bias}                     same key
    clipmodel.visual_projection.weight                           [512, 768] same key
    clipmodel.text_projection.weight                             [512, 512] same key
    clipmodel.logit_scale                                        []         same key
    =====================================================================  =========================

    Keys outside `clipmodel.` are passed through so that a strict load reports them as unexpected.
    """
    if not any(key.startswith(OFFICIAL_PREFIX) for key in checkpoint):
        sample = ", ".join(list(checkpoint)[:5]) or "none"
        raise CheckpointError(
            f"not a CLIP-ViP checkpoint: no key starts with {OFFICIAL_PREFIX!r} (keys: {sample}). Expected the "
            "VidCLIP state dict released by microsoft/XPretrain, e.g. pretrain_clipvip_base_32.pt."
        )
    return {key: value for key, value in checkpoint.items() if key not in DROPPED_BUFFERS}
