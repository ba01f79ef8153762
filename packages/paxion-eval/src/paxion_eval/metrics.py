"""Evaluation metrics of the paper (DESIGN §3), as pure functions over numpy arrays or torch tensors, plus thin
mmengine `BaseMetric` wrappers registered in ``paxion_core.registry.METRICS``.

- ActionBench (Action Antonym, Video Reversal, Object Replacement): a two-way choice between the true pair's score
  and the altered pair's score; near-ties are settled by a seeded coin (mean-pooled backbones tie exactly on VR).
- Retrieval: Recall@K in both directions with any number of positives per video and per text.
- NExT-QA: accuracy per question-type group C (CW, CH), T (TN, TC, TP), D (DC, DL, DO), all, and on ATP-hard.
- Uncertainty: bootstrap confidence intervals and the exact McNemar test for two methods on the same samples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from mmengine.evaluator import BaseMetric
from scipy import stats

from paxion_core.registry import METRICS

RECALL_KS = (1, 5, 10)
QA_GROUPS = {"c": ("CW", "CH"), "t": ("TN", "TC", "TP"), "d": ("DC", "DL", "DO")}
QA_TYPES = tuple(t for types in QA_GROUPS.values() for t in types)
HARD_GROUPS = ("c", "t")


def _numpy(values: Any, name: str, dtype: Any = np.float64) -> np.ndarray:
    """``values`` (array, tensor, sequence) as a numpy array of ``dtype``."""
    if hasattr(values, "detach"):  # a torch tensor (half/bfloat16 included)
        values = values.detach().cpu()
        values = (values.double() if values.is_floating_point() else values).numpy()
    array = np.asarray(values, dtype=dtype)
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


# --- ActionBench -------------------------------------------------------------------------------------------------


def actionbench_correct(pos_scores: Any, neg_scores: Any, *, tie_tol: float = 1e-5, seed: int = 0) -> np.ndarray:
    """Per-sample correctness [N] (bool): ``pos > neg``; where ``|pos - neg| < tie_tol`` a fair coin decides.

    The coin of sample i is the i-th draw of ``numpy.random.default_rng(seed)`` (one draw per sample, used only where
    it ties), so the outcome of a tie depends on the seed and the sample's position only.

    (The official code applies this rule to Video Reversal on the two-way softmax probabilities and lets argmax pick
    the true text on exact ties in Action Antonym / Object Replacement; here it is one rule on the raw scores for all
    three tasks.)
    """
    pos = _numpy(pos_scores, "pos_scores").reshape(-1)
    neg = _numpy(neg_scores, "neg_scores").reshape(-1)
    if pos.shape != neg.shape:
        raise ValueError(f"pos_scores {pos.shape} and neg_scores {neg.shape} must have the same number of samples")
    if pos.size == 0:
        raise ValueError("no samples to score")
    coin = np.random.default_rng(seed).random(pos.size) < 0.5
    tie = np.abs(pos - neg) < tie_tol
    return np.where(tie, coin, pos > neg)


def actionbench_accuracy(
    pos_scores: Any, neg_scores: Any, *, tie_tol: float = 1e-5, seed: int = 0
) -> tuple[float, np.ndarray]:
    """(accuracy in percent, per-sample correctness [N]) of a two-way ActionBench choice; see `actionbench_correct`.

    AA: s(v, t) vs s(v, t_antonym); VR: s(v, t) vs s(v_reversed, t); OR: s(v, t) vs s(v, t_object_replaced).
    """
    correct = actionbench_correct(pos_scores, neg_scores, tie_tol=tie_tol, seed=seed)
    return 100.0 * float(correct.mean()), correct


# --- retrieval ---------------------------------------------------------------------------------------------------


def _positive_mask(positives: Any, shape: tuple[int, int]) -> np.ndarray:
    """A bool [queries, items] mask from a bool array/tensor, or from per-query collections of positive indices."""
    if hasattr(positives, "shape"):
        mask = _numpy(positives, "positives", dtype=None)
        if mask.dtype != bool and not np.isin(mask, (0, 1)).all():
            raise ValueError("a positives array must be a bool [num_videos, num_texts] mask; pass index lists instead")
        if mask.shape != shape:
            raise ValueError(f"positives mask {mask.shape} must match the similarity matrix {shape}")
        return mask.astype(bool)
    if len(positives) != shape[0]:
        raise ValueError(f"positives list {len(positives)} queries; the similarity matrix has {shape[0]} of them")
    mask = np.zeros(shape, dtype=bool)
    for query, items in enumerate(positives):
        indices = np.asarray(list(items), dtype=np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= shape[1]):
            raise ValueError(f"positives of query {query} name indices outside 0..{shape[1] - 1}: {list(items)}")
        mask[query, indices] = True
    return mask


def _best_positive_ranks(sim: np.ndarray, mask: np.ndarray, direction: str) -> np.ndarray:
    """0-based rank of each row's best positive: the number of negatives scoring at least as high (ties count
    against the query, so a constant similarity matrix scores no better than chance)."""
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        raise ValueError(f"{direction}: queries {empty[:10].tolist()} have no positive (every query needs one)")
    best = np.where(mask, sim, -np.inf).max(axis=1, keepdims=True)
    return ((sim >= best) & ~mask).sum(axis=1)


def retrieval_ranks(sim: Any, positives: Any, text_positives: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """(v2t ranks [Nv], t2v ranks [Nt]): 0-based rank of the best-ranked positive of each video / text.

    sim: [Nv, Nt] video-text scores. positives: a bool [Nv, Nt] mask, or for each video the indices of its positive
    texts (many texts per video and many videos per text are allowed, e.g. SSv2-template's shared template texts).
    text_positives: for each text the indices of its positive videos (or a bool [Nt, Nv] mask) when the text-to-video
    relation is given separately (as the official ``t2v_targets``); default: the transpose of ``positives``.
    Every query needs at least one positive.
    """
    scores = _numpy(sim, "sim")
    if scores.ndim != 2:
        raise ValueError(f"sim must be a [num_videos, num_texts] matrix, got shape {scores.shape}")
    video_mask = _positive_mask(positives, scores.shape)
    text_mask = video_mask.T if text_positives is None else _positive_mask(text_positives, scores.T.shape)
    return (
        _best_positive_ranks(scores, video_mask, "video-to-text"),
        _best_positive_ranks(scores.T, text_mask, "text-to-video"),
    )


def retrieval_hits(
    sim: Any, positives: Any, text_positives: Any = None, *, ks: Iterable[int] = RECALL_KS
) -> dict[str, np.ndarray]:
    """Per-query hits for bootstrapping: {"v2t_R1": bool [Nv], ..., "t2v_R10": bool [Nt]} (a positive in the top K).

    Arguments as `retrieval_ranks`.
    """
    v2t, t2v = retrieval_ranks(sim, positives, text_positives)
    hits = {}
    for direction, ranks in (("v2t", v2t), ("t2v", t2v)):
        for k in ks:
            hits[f"{direction}_R{k}"] = ranks < k
    return hits


def retrieval_recall(
    sim: Any, positives: Any, text_positives: Any = None, *, ks: Iterable[int] = RECALL_KS
) -> dict[str, float]:
    """Recall@K in percent: {"v2t_R1", "v2t_R5", "v2t_R10", "t2v_R1", "t2v_R5", "t2v_R10"}.

    Arguments as `retrieval_ranks`.
    """
    hits = retrieval_hits(sim, positives, text_positives, ks=ks)
    return {name: 100.0 * float(hit.mean()) for name, hit in hits.items()}


# --- NExT-QA -----------------------------------------------------------------------------------------------------


def qa_accuracy(pred: Any, answer: Any, qtype: Sequence[str], hard_mask: Any = None) -> dict[str, float]:
    """NExT-QA accuracy in percent, as Table 3's columns.

    pred, answer: [N] chosen / true choice indices. qtype: [N] question types (CW, CH, TN, TC, TP, DC, DL, DO).
    hard_mask: [N] bool, the ATP-hard subset (C and T questions of val), or None.
    Returns "c", "t", "d", "all", one key per type ("cw", ...), and with ``hard_mask`` "hard_c", "hard_t",
    "hard_all"; a group without questions is NaN.
    """
    chosen = _numpy(pred, "pred", dtype=np.int64).reshape(-1)
    truth = _numpy(answer, "answer", dtype=np.int64).reshape(-1)
    types = np.asarray([str(t).upper() for t in qtype])
    if not chosen.shape == truth.shape == types.shape:
        raise ValueError(f"pred {chosen.shape}, answer {truth.shape} and qtype {types.shape} must have equal lengths")
    unknown = sorted(set(types.tolist()) - set(QA_TYPES))
    if unknown:
        raise ValueError(f"unknown NExT-QA question types {unknown}; expected {list(QA_TYPES)}")
    correct = chosen == truth

    def accuracy(selected: np.ndarray) -> float:
        return 100.0 * float(correct[selected].mean()) if selected.any() else float("nan")

    result = {"all": accuracy(np.ones_like(correct))}
    for group, group_types in QA_GROUPS.items():
        result[group] = accuracy(np.isin(types, group_types))
    for qt in QA_TYPES:
        result[qt.lower()] = accuracy(types == qt)
    if hard_mask is not None:
        hard = _numpy(hard_mask, "hard_mask", dtype=bool).reshape(-1)
        if hard.shape != correct.shape:
            raise ValueError(f"hard_mask {hard.shape} must have one entry per question {correct.shape}")
        result["hard_all"] = accuracy(hard)
        for group in HARD_GROUPS:
            result[f"hard_{group}"] = accuracy(hard & np.isin(types, QA_GROUPS[group]))
    return result


# --- uncertainty -------------------------------------------------------------------------------------------------


def bootstrap_ci(
    per_sample_values: Any,
    statistic: Callable[..., Any] = np.mean,
    *,
    n_resamples: int = 9999,
    confidence: float = 0.95,
    seed: int = 0,
    method: str = "percentile",
) -> tuple[float, float]:
    """(low, high) bootstrap confidence interval of ``statistic`` over [N] per-sample values (scipy.stats.bootstrap).

    method: "percentile", "basic" or "BCa". ``statistic`` must accept ``axis`` (numpy reductions do). When every value
    is equal (including N = 1) there is nothing to resample and the interval is the point estimate itself.
    Scale per-sample values to percent (e.g. ``100 * correct``) to get the interval in percent.
    """
    values = _numpy(per_sample_values, "per_sample_values").reshape(-1)
    if values.size == 0:
        raise ValueError("no per-sample values to bootstrap")
    if np.all(values == values[0]):
        point = float(statistic(values))
        return point, point
    batch = max(1, min(n_resamples, 2**24 // values.size))  # bound the resample matrix to ~128 MB
    result = stats.bootstrap(
        (values,),
        statistic,
        n_resamples=n_resamples,
        confidence_level=confidence,
        method=method,
        batch=batch,
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def paired_test(correct_a: Any, correct_b: Any) -> float:
    """Two-sided p-value of the exact McNemar test: do methods A and B, scored on the same samples, differ?

    Only discordant samples count: under the null, A-right-B-wrong is Binomial(discordant, 1/2). 1.0 without any.
    """
    a = _numpy(correct_a, "correct_a", dtype=bool).reshape(-1)
    b = _numpy(correct_b, "correct_b", dtype=bool).reshape(-1)
    if a.shape != b.shape:
        raise ValueError(f"correct_a {a.shape} and correct_b {b.shape} must score the same samples")
    only_a = int((a & ~b).sum())
    discordant = only_a + int((~a & b).sum())
    if discordant == 0:
        return 1.0
    return float(stats.binomtest(only_a, discordant, 0.5, alternative="two-sided").pvalue)


# --- mmengine metrics --------------------------------------------------------------------------------------------


def _scalar(value: Any) -> float:
    return float(value.item() if hasattr(value, "item") else value)


def _field(sample: Mapping[str, Any], key: str, metric: str) -> Any:
    if key not in sample:
        raise KeyError(f"{metric}: each data sample needs '{key}'; got keys {sorted(sample)}")
    return sample[key]


@METRICS.register_module()
class ActionBenchMetric(BaseMetric):
    """ActionBench accuracy (AA, VR or OR). Each data sample: {"pos_score": s(true pair), "neg_score": s(altered)}.

    Reports "accuracy" (percent), "ci_low"/"ci_high" (95% bootstrap) and "num_samples".
    """

    default_prefix = "actionbench"

    def __init__(self, tie_tol: float = 1e-5, seed: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tie_tol = tie_tol
        self.seed = seed

    def process(self, data_batch: Any, data_samples: Sequence[Mapping[str, Any]]) -> None:
        for sample in data_samples:
            pos = _scalar(_field(sample, "pos_score", type(self).__name__))
            self.results.append((pos, _scalar(_field(sample, "neg_score", type(self).__name__))))

    def compute_metrics(self, results: list) -> dict[str, float]:
        pos, neg = np.asarray(results, dtype=np.float64).T
        accuracy, correct = actionbench_accuracy(pos, neg, tie_tol=self.tie_tol, seed=self.seed)
        low, high = bootstrap_ci(100.0 * correct, seed=self.seed)
        return {"accuracy": accuracy, "ci_low": low, "ci_high": high, "num_samples": float(correct.size)}


@METRICS.register_module()
class RetrievalMetric(BaseMetric):
    """Recall@1/5/10 both ways. Each data sample is one video: {"scores": [Nt] scores against every text,
    "positives": indices of its positive texts}."""

    default_prefix = "retrieval"

    def process(self, data_batch: Any, data_samples: Sequence[Mapping[str, Any]]) -> None:
        for sample in data_samples:
            scores = _numpy(_field(sample, "scores", type(self).__name__), "scores").reshape(-1)
            positives = [int(p) for p in _field(sample, "positives", type(self).__name__)]
            self.results.append((scores, positives))

    def compute_metrics(self, results: list) -> dict[str, float]:
        sim = np.stack([scores for scores, _ in results])
        return retrieval_recall(sim, [positives for _, positives in results])


@METRICS.register_module()
class NextQAMetric(BaseMetric):
    """NExT-QA accuracy per group. Each data sample: {"pred": chosen index, "answer": true index, "qtype": "CW"...,
    optionally "hard": bool (ATP-hard)}; hard columns are reported when every sample says."""

    default_prefix = "nextqa"

    def process(self, data_batch: Any, data_samples: Sequence[Mapping[str, Any]]) -> None:
        name = type(self).__name__
        for sample in data_samples:
            hard = sample.get("hard")
            self.results.append(
                (
                    int(_scalar(_field(sample, "pred", name))),
                    int(_scalar(_field(sample, "answer", name))),
                    str(_field(sample, "qtype", name)),
                    None if hard is None else bool(hard),
                )
            )

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred, answer, qtype, hard = zip(*results, strict=True)
        hard_mask = None if any(h is None for h in hard) else np.asarray(hard, dtype=bool)
        return qa_accuracy(pred, answer, qtype, hard_mask)
