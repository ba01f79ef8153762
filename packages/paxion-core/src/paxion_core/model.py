"""Patch-and-Fuse: a frozen backbone, a Knowledge Patcher and (optionally) a Knowledge Fuser.

Stages (DESIGN §3, the official configs):

- ``patcher``: train the patcher alone (KP-Perceiver / KP-Transformer rows of Table 1) with VTC, +VAC, +ATM.
- ``patch_and_fuse`` (PAXION): fuser and patcher trained jointly on the downstream task; the video embedding is the
  fuser's output, so the backbone's own knowledge is kept.
- ``side_tuning``: the side-tuning fuser (patcher trained jointly).
- ``patcher_finetune``: the patcher alone fine-tuned on the downstream task (KP-* FT rows).
- ``backbone``: nothing trained; the backbone's own pooled embedding (the Backbone rows).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import torch
from mmengine.model import BaseModel
from torch import Tensor, nn

from paxion_core.backbone import VideoFeatures, VideoLanguageBackbone
from paxion_core.checkpoint import LoadReport, load_state_dict_strict, read_checkpoint
from paxion_core.fuser import KnowledgeFuser
from paxion_core.losses import atm_loss, mcqa_logits, mcqa_loss, vtc_loss
from paxion_core.patcher import KnowledgePatcher, TransformerPatcher, video_text_similarity
from paxion_core.registry import BACKBONES, MODELS
from paxion_core.weights import load_weights

Stage = Literal["backbone", "patcher", "patch_and_fuse", "side_tuning", "patcher_finetune"]
STAGES = ("backbone", "patcher", "patch_and_fuse", "side_tuning", "patcher_finetune")
OBJECTIVES = ("vtc", "vac", "atm", "mcqa")
TEXT_MEMO_SIZE = 200_000
LOSS_INPUTS = ("video", "text", "antonym_text", "salient", "candidates", "answer", "antonym_candidates")


class NonFiniteLossError(FloatingPointError):
    pass


def _autograd_ready(tensor: Tensor) -> Tensor:
    """A tensor made under `torch.inference_mode`, as an ordinary tensor that autograd may save for backward (a
    copy; inference tensors themselves cannot be saved)."""
    return tensor.clone() if tensor.is_inference() else tensor


@MODELS.register_module()
class PatchAndFuse(BaseModel):
    """Frozen backbone + Knowledge Patcher (+ Knowledge Fuser).

    backbone: a VideoLanguageBackbone or a config dict for the BACKBONES registry (e.g. dict(type="internvideo-tiny")).
    patcher: "perceiver" | "transformer", or a dict of KnowledgePatcher / TransformerPatcher arguments with `type`.
    objectives: subset of ("vtc", "vac", "atm", "mcqa"); total = VTC(+VAC negatives) + atm_weight · ATM, or MCQA
    (+VAC: the action-antonym choices as extra candidates).
    backbone_train_mode: False keeps the frozen backbone in eval() (no dropout); True reproduces the official code,
    which leaves the backbone in train mode (its dropout active) while its weights stay frozen.
    backbone_weights: a `weights.pth` holding `backbone.*` (e.g. the synthetic profile's pretrained tiny backbone).
    init_from: a previous stage's `weights.pth`; its `patcher.*` (and `fuser.*`, if any) initialise this model.
    """

    def __init__(self, backbone: VideoLanguageBackbone | dict, patcher: str | dict = "perceiver",
                 stage: Stage = "patcher", fuser: dict | None = None, objectives: Sequence[str] = ("vtc",),
                 atm_weight: float = 0.4, label_smoothing: float = 0.1, backbone_train_mode: bool = False,
                 backbone_weights: str | None = None, init_from: str | None = None,
                 data_preprocessor: dict | None = None):
        super().__init__(data_preprocessor=data_preprocessor)
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; choose one of {STAGES}")
        unknown = set(objectives) - set(OBJECTIVES)
        if unknown:
            raise ValueError(f"unknown objectives {sorted(unknown)}; choose from {OBJECTIVES}")
        if ("vac" in objectives and not {"vtc", "mcqa"} & set(objectives)) or ("atm" in objectives
                                                                               and "vtc" not in objectives):
            raise ValueError(f"objectives {tuple(objectives)}: vac extends vtc or mcqa, atm needs vtc")
        self.backbone = BACKBONES.build(backbone) if isinstance(backbone, Mapping) else backbone
        if backbone_weights:
            load_weights(self, backbone_weights, prefixes=("backbone",))
        self.backbone.requires_grad_(False)
        self._text_memo: OrderedDict[str, Tensor] = OrderedDict()
        self.backbone_train_mode = backbone_train_mode
        self.stage, self.objectives = stage, tuple(objectives)
        self.atm_weight, self.label_smoothing = atm_weight, label_smoothing
        self.patcher = self._build_patcher(patcher)
        self.fuser = None
        if stage in ("patch_and_fuse", "side_tuning"):
            kind = "side_tuning" if stage == "side_tuning" else "xattn"
            self.fuser = KnowledgeFuser(self.backbone.embed_dim, **{"kind": kind, **(fuser or {})})
        if init_from:
            load_weights(self, init_from, prefixes=("patcher", "fuser"))
        if stage == "backbone":
            self.patcher.requires_grad_(False)
        self.train(False)

    def _build_patcher(self, cfg: str | dict) -> nn.Module:
        cfg = {"type": cfg} if isinstance(cfg, str) else dict(cfg)
        kind = cfg.pop("type", "perceiver")
        bb = self.backbone
        if kind == "perceiver":
            return KnowledgePatcher(bb.embed_dim, bb.token_dim, num_frames=bb.num_frames, **cfg)
        if kind == "transformer":
            return TransformerPatcher(bb.token_dim, **cfg)
        raise ValueError(f"unknown patcher type {kind!r}; choose perceiver or transformer")

    def train(self, mode: bool = True) -> PatchAndFuse:
        super().train(mode)
        self.backbone.train(mode and self.backbone_train_mode)
        return self

    @property
    def temperature(self) -> Tensor:
        return self.patcher.temperature

    # -- embeddings -------------------------------------------------------------------------------------------
    def backbone_features(self, video: Tensor | VideoFeatures, with_reversed: bool = False) -> VideoFeatures:
        """Frozen backbone features of pixels [B, T, 3, H, W] (computed under `torch.inference_mode`), or passed
        through."""
        if isinstance(video, VideoFeatures):
            if with_reversed and video.reversed is None:
                raise ValueError("ATM needs the reversed features: cache them with with_reversed=True")
            return video.to(self.temperature.device)
        with torch.inference_mode():
            features = self.backbone.encode_video(video, with_reversed=with_reversed)
        return features.map(_autograd_ready)

    def video_embedding(self, features: VideoFeatures) -> Tensor:
        """The video side of the similarity: [B, N, D] patcher latents, or [B, D] (fused / pooled / KP-Transformer)."""
        if self.stage == "backbone":
            return features.pooled
        if isinstance(self.patcher, TransformerPatcher):
            return self.backbone.project_tokens(self.patcher(features.tokens))
        latents = self.patcher(features.tokens)
        if self.fuser is None:
            return latents
        return self.fuser(features.pooled, latents)

    def text_embedding(self, texts: Sequence[str] | Tensor) -> Tensor:
        """Frozen backbone text embedding [B, D] (computed under `torch.inference_mode`). Strings are memoised while
        the backbone is in eval mode (it is frozen, so a text's embedding never changes); `backbone_train_mode=True`
        disables the memo."""
        with torch.inference_mode():
            if isinstance(texts, Tensor) or self.backbone.training:
                embeddings = self.backbone.encode_text(texts)
            else:
                missing = [t for t in dict.fromkeys(texts) if t not in self._text_memo]
                if missing:
                    for text, emb in zip(missing, self.backbone.encode_text(missing)):
                        self._text_memo[text] = emb
                    while len(self._text_memo) > TEXT_MEMO_SIZE:
                        self._text_memo.popitem(last=False)
                embeddings = torch.stack([self._text_memo[t] for t in texts])
        return _autograd_ready(embeddings)

    def similarity(self, video_emb: Tensor, text_emb: Tensor) -> Tensor:
        """[Bv, (N,) D] x [Bt, D] -> logits [Bv, Bt]."""
        return video_text_similarity(video_emb, text_emb) / self.temperature

    # -- training ---------------------------------------------------------------------------------------------
    def loss(self, video: Tensor | VideoFeatures, text: Sequence[str] | Tensor | None = None,
             antonym_text: Sequence[str] | Tensor | None = None, salient: Tensor | None = None,
             candidates: Sequence[Sequence[str]] | None = None, answer: Tensor | None = None,
             antonym_candidates: Sequence[Sequence[str]] | None = None) -> dict[str, Tensor]:
        """Losses of one batch, by objective name; `loss` entries are summed by mmengine into the total."""
        use_atm = "atm" in self.objectives
        features = self.backbone_features(video, with_reversed=use_atm)
        video_emb = self.video_embedding(features)
        losses: dict[str, Tensor] = {}
        if "mcqa" in self.objectives:
            if candidates is None or answer is None:
                raise ValueError("the mcqa objective needs `candidates` and `answer` in the batch")
            if "vac" in self.objectives:
                if antonym_candidates is None:
                    raise ValueError("mcqa with vac needs `antonym_candidates` in the batch")
                candidates = [list(c) + list(a) for c, a in zip(candidates, antonym_candidates)]
            cand, mask = self.candidate_embeddings(candidates)
            losses["loss_mcqa"] = mcqa_loss(video_emb, cand, answer, self.temperature, mask=mask,
                                            label_smoothing=self.label_smoothing)
        if "vtc" in self.objectives:
            if text is None:
                raise ValueError("the vtc objective needs `text` in the batch")
            text_emb = self.text_embedding(text)
            antonym_emb = None
            if "vac" in self.objectives:
                if antonym_text is None:
                    raise ValueError("the vac objective needs `antonym_text` in the batch")
                antonym_emb = self.text_embedding(antonym_text)
            losses["loss_vtc"] = vtc_loss(video_emb, text_emb, self.temperature, antonym_text=antonym_emb,
                                          label_smoothing=self.label_smoothing)
            if use_atm:
                video_rev = self.video_embedding(features.reversed)
                losses["loss_atm"] = self.atm_weight * atm_loss(video_emb, video_rev, text_emb, self.temperature,
                                                                salient, label_smoothing=self.label_smoothing)
        for name, value in losses.items():
            if not torch.isfinite(value):
                raise NonFiniteLossError(f"{name} is {value.item()}: lower the learning rate or check the inputs "
                                         "(the last checkpoint on disk is untouched)")
        return losses

    def candidate_embeddings(self, candidates: Sequence[Sequence[str]]) -> tuple[Tensor, Tensor]:
        """Per-sample candidate texts (counts may differ) -> embeddings [B, K_max, D] and mask [B, K_max]."""
        k = max(len(row) for row in candidates)
        emb = self.text_embedding([c for row in candidates for c in row])
        out = emb.new_zeros(len(candidates), k, emb.shape[-1])
        mask = torch.zeros(len(candidates), k, dtype=torch.bool, device=emb.device)
        start = 0
        for i, row in enumerate(candidates):
            out[i, : len(row)] = emb[start:start + len(row)]
            mask[i, : len(row)] = True
            start += len(row)
        return out, mask

    def mcqa_scores(self, video: Tensor | VideoFeatures, candidates: Sequence[Sequence[str]]) -> Tensor:
        """[B, K] candidate logits for multiple-choice QA (K equal for every sample)."""
        video_emb = self.video_embedding(self.backbone_features(video))
        cand, _ = self.candidate_embeddings(candidates)
        return mcqa_logits(video_emb, cand, self.temperature)

    def forward(self, mode: str = "loss", **batch: Any):
        """mmengine entry point: `mode="loss"` -> dict of losses; `mode="tensor"` -> video embedding.
        Batch entries the objectives do not use (ids, indices, skipped samples, ...) are ignored."""
        if mode == "loss":
            if "video" not in batch:
                raise ValueError("every sample of this batch was skipped (unreadable videos): see the skip report")
            return self.loss(**{key: batch[key] for key in LOSS_INPUTS if key in batch})
        if mode in ("tensor", "predict"):
            return self.video_embedding(self.backbone_features(batch["video"]))
        raise ValueError(f"unknown mode {mode!r}")

    # -- released Paxion checkpoints --------------------------------------------------------------------------
    def load_paxion_checkpoint(self, path: str, *, weights_only: bool = True, strict: bool = True) -> LoadReport:
        """Load a released Paxion checkpoint (see `map_paxion_checkpoint`) into the patcher (and fuser)."""
        checkpoint = read_checkpoint(path, weights_only=weights_only)
        state = map_paxion_checkpoint(checkpoint, fuser_kind=self.fuser.kind if self.fuser is not None else None)
        trainable = nn.ModuleDict({"patcher": self.patcher, **({"fuser": self.fuser} if self.fuser else {})})
        return load_state_dict_strict(trainable, state, strict=strict, source=str(path))


def map_paxion_checkpoint(checkpoint: Mapping[str, Any], fuser_kind: str | None = None) -> dict[str, Tensor]:
    """Official Paxion checkpoint -> state dict of `{"patcher": KnowledgePatcher, "fuser": KnowledgeFuser}`.

    The official file holds the full model under ``"model"``: ``vision_perceiver.*`` (older releases:
    ``knowledge_perceiver.*``), ``temporal_embedding``, ``temp``, ``knowledge_fuser.*`` (and ``alpha`` for
    side-tuning). ``vl_backbone.*`` (the frozen backbone) and ``text_perceiver.*`` are ignored. Renames:

    ====================================================  =========================================
    official                                              ours
    ====================================================  =========================================
    vision_perceiver.latents                              patcher.latents
    vision_perceiver.layers.{i}.0.norm_media              patcher.layers.{i}.attn.norm_kv
    vision_perceiver.layers.{i}.0.norm_latents            patcher.layers.{i}.attn.norm_q
    vision_perceiver.layers.{i}.0.{to_q,to_kv,to_out}     patcher.layers.{i}.attn.{to_q,to_kv,to_out}
    vision_perceiver.layers.{i}.1.{0,1,3}                 patcher.layers.{i}.ff.{0,1,3}
    vision_perceiver.norm                                 patcher.norm
    temporal_embedding / temp                             patcher.temporal_embedding / patcher.temperature
    knowledge_fuser.*  (attn.norm_q, attn.norm_kv, ...)   fuser.*  (same names)
    alpha                                                 fuser.alpha
    ====================================================  =========================================
    """
    state = checkpoint.get("model", checkpoint)
    out: dict[str, Tensor] = {}
    for key, value in state.items():
        if key.startswith(("vl_backbone.", "text_perceiver.")):
            continue
        new = key.replace("knowledge_perceiver.", "vision_perceiver.", 1)
        if new.startswith("vision_perceiver."):
            new = "patcher." + new[len("vision_perceiver."):]
            parts = new.split(".")
            if parts[1] == "layers":
                parts[3] = {"0": "attn", "1": "ff"}[parts[3]]
                new = ".".join(parts).replace(".norm_media.", ".norm_kv.").replace(".norm_latents.", ".norm_q.")
        elif new in ("temporal_embedding", "temp"):
            new = "patcher." + ("temperature" if new == "temp" else new)
        elif new.startswith("knowledge_fuser."):
            new = "fuser." + new[len("knowledge_fuser."):]
        elif new == "alpha" and fuser_kind == "side_tuning":
            new = "fuser.alpha"
        out[new] = value
    if fuser_kind is None:
        out = {k: v for k, v in out.items() if not k.startswith("fuser.")}
    return out
