"""Paxion's objectives: VTC (with VAC antonym negatives), ATM and multiple-choice QA.

All cross-entropies use label smoothing 0.1 by default, as the official code does.

Distributed training: features are gathered across ranks *with* gradients (`GatherWithGrad`: all_gather forward,
all_reduce of the gradient backward — correct on gloo and nccl alike), so every rank's loss back-propagates into
every rank's features. The official code gathers with a plain
`all_gather` (no gradient through the other ranks' features); with one process both are identical.
The official VAC also gathers `[texts; antonyms]` per rank, which puts rank r>0's targets on the wrong rows; here
texts and antonyms are gathered separately and laid out as [all texts; all antonyms].
"""

from __future__ import annotations

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor

from paxion_core.patcher import paired_similarity, video_text_similarity

LABEL_SMOOTHING = 0.1


class GatherWithGrad(torch.autograd.Function):
    """[B, ...] per rank -> [world·B, ...] in rank order; the backward sums every rank's gradient of the gathered
    tensor and returns this rank's rows."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.rank, ctx.batch = dist.get_rank(), x.shape[0]
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts, dim=0)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        grad = grad.contiguous()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        return grad[ctx.rank * ctx.batch:(ctx.rank + 1) * ctx.batch]


def gather_with_grad(x: Tensor) -> Tensor:
    """Concatenate `x` [B, ...] over all ranks (rank order), keeping gradients; identity without DDP."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return x
    return GatherWithGrad.apply(x)


def _rank() -> int:
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def vtc_loss(video: Tensor, text: Tensor, temperature: Tensor | float, *, antonym_text: Tensor | None = None,
             label_smoothing: float = LABEL_SMOOTHING) -> Tensor:
    """Video-text contrastive loss, ½[CE(v→t) + CE(t→v)] with in-batch negatives (gathered over ranks).

    video [B, N, D] (patcher latents: similarity = max over latents of the cosine) or [B, D];
    text [B, D]; antonym_text [B, D] or None. With antonym texts (VAC), they are extra candidates in the
    v→t direction only: each video is scored against 2B texts. Returns a scalar.
    """
    if video.shape[0] != text.shape[0]:
        raise ValueError(f"vtc_loss: {video.shape[0]} videos vs {text.shape[0]} texts")
    b = video.shape[0]
    video_all, text_all = gather_with_grad(video), gather_with_grad(text)
    candidates = text_all if antonym_text is None else torch.cat([text_all, gather_with_grad(antonym_text)])
    targets = torch.arange(b, device=video.device) + _rank() * b
    v2t = video_text_similarity(video, candidates) / temperature  # [B, B_all (+ B_all)]
    t2v = video_text_similarity(video_all, text).T / temperature  # [B, B_all]
    return (F.cross_entropy(v2t, targets, label_smoothing=label_smoothing)
            + F.cross_entropy(t2v, targets, label_smoothing=label_smoothing)) / 2


def atm_loss(video: Tensor, video_reversed: Tensor, text: Tensor, temperature: Tensor | float,
             salient: Tensor | None = None, *, label_smoothing: float = LABEL_SMOOTHING) -> Tensor:
    """Action-temporal matching: the text must prefer the clip over its time-reversal.

    video, video_reversed [B, N, D] or [B, D]; text [B, D]; salient [B] bool (state-change salient samples;
    None = all). Logits per salient sample are [s(v,t), s(v_rev,t)] / temperature with target 0; the loss is the
    mean over salient samples, and an exact 0 (still attached to the graph) when none is salient.
    """
    if salient is not None:
        salient = salient.to(device=video.device, dtype=torch.bool)
        video, video_reversed, text = video[salient], video_reversed[salient], text[salient]
    if video.shape[0] == 0:
        return (video.sum() + video_reversed.sum()) * 0.0
    logits = torch.stack([paired_similarity(video, text), paired_similarity(video_reversed, text)], 1) / temperature
    targets = torch.zeros(logits.shape[0], dtype=torch.long, device=logits.device)
    return F.cross_entropy(logits, targets, label_smoothing=label_smoothing)


def mcqa_loss(video: Tensor, candidates: Tensor, answer: Tensor, temperature: Tensor | float, *,
              mask: Tensor | None = None, label_smoothing: float = LABEL_SMOOTHING) -> Tensor:
    """Multiple-choice QA: video [B, N, D] or [B, D]; candidates [B, K, D] ("question? answer" texts: K = 5, more
    with action-antonym choices as extra negatives under DVDM); answer [B] index of the correct candidate; mask
    [B, K] bool marks real candidates when rows have different counts (padding is excluded from the softmax and
    from the label smoothing). CE over the similarities / temperature."""
    logits = mcqa_logits(video, candidates, temperature)
    answer = answer.to(logits.device)
    if mask is None:
        return F.cross_entropy(logits, answer, label_smoothing=label_smoothing)
    mask = mask.to(logits.device)
    logp = logits.masked_fill(~mask, float("-inf")).log_softmax(dim=-1)
    picked = logp.gather(1, answer[:, None])[:, 0]
    spread = logp.masked_fill(~mask, 0.0).sum(dim=-1) / mask.sum(dim=-1)
    return -((1 - label_smoothing) * picked + label_smoothing * spread).mean()


def mcqa_logits(video: Tensor, candidates: Tensor, temperature: Tensor | float) -> Tensor:
    """video [B, N, D] or [B, D], candidates [B, K, D] -> [B, K] similarities / temperature."""
    video = video.unsqueeze(1).expand(-1, candidates.shape[1], *video.shape[1:])  # [B, K, (N,) D]
    return paired_similarity(video, candidates) / temperature
