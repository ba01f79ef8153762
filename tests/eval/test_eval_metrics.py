"""Metrics against hand-computed values: ActionBench ties, multi-positive retrieval, NExT-QA groups, bootstrap
intervals, the exact McNemar test, and the mmengine metric wrappers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from paxion_core.registry import METRICS
from paxion_eval import metrics


def test_actionbench_accuracy_hand_computed():
    accuracy, correct = metrics.actionbench_accuracy([0.9, 0.2, 0.7, 0.30002], [0.1, 0.8, 0.3, 0.3])
    assert correct.tolist() == [True, False, True, True]  # a gap of 2e-5 is not a tie
    assert accuracy == pytest.approx(75.0)
    pos = torch.tensor([1.0, 0.0], dtype=torch.bfloat16)
    accuracy, correct = metrics.actionbench_accuracy(pos, torch.tensor([0.0, 1.0]))
    assert correct.tolist() == [True, False] and accuracy == 50.0


def test_actionbench_ties_follow_the_seeded_coin():
    pos = np.array([0.5, 0.9, 0.5, 0.1, 0.5])
    neg = np.array([0.5, 0.1, 0.5 + 5e-6, 0.9, 0.5 - 9e-6])  # samples 0, 2 and 4 tie
    coin = np.random.default_rng(7).random(5) < 0.5
    _, correct = metrics.actionbench_accuracy(pos, neg, seed=7)
    assert correct.tolist() == [coin[0], True, coin[2], False, coin[4]]
    _, again = metrics.actionbench_accuracy(pos, neg, seed=7)
    assert np.array_equal(correct, again)
    _, strict = metrics.actionbench_accuracy(pos, neg, tie_tol=0.0)
    assert strict.tolist() == [False, True, False, False, True]


def test_actionbench_exact_ties_score_near_chance():
    """A mean-pooled backbone scores a video and its reversal identically: Video Reversal must come out near 50%."""
    scores = np.linspace(-1.0, 1.0, 4000)
    accuracies = [metrics.actionbench_accuracy(scores, scores.copy(), seed=s)[0] for s in range(3)]
    assert all(45.0 < a < 55.0 for a in accuracies)
    assert len(set(accuracies)) == 3  # the seed changes which ties are won


def test_actionbench_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of samples"):
        metrics.actionbench_accuracy([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        metrics.actionbench_accuracy([float("nan")], [1.0])


def test_retrieval_one_positive_each():
    sim = np.array([[0.9, 0.1, 0.3], [0.2, 0.5, 0.8], [0.95, 0.6, 0.1]])
    v2t, t2v = metrics.retrieval_ranks(sim, [[0], [1], [2]])
    assert v2t.tolist() == [0, 1, 2]
    assert t2v.tolist() == [1, 1, 2]  # text 0: video 2 (0.95) beats video 0 (0.9)
    recall = metrics.retrieval_recall(sim, [[0], [1], [2]], ks=(1, 2))
    assert recall == pytest.approx({"v2t_R1": 100 / 3, "v2t_R2": 200 / 3, "t2v_R1": 0.0, "t2v_R2": 200 / 3})
    assert set(metrics.retrieval_recall(sim, np.eye(3, dtype=bool))) == {
        "v2t_R1", "v2t_R5", "v2t_R10", "t2v_R1", "t2v_R5", "t2v_R10",
    }


def test_retrieval_many_videos_per_text():
    """SSv2-template: videos 0, 1 show template 0 and videos 2, 3 template 1."""
    sim = torch.tensor([[0.9, 0.1], [0.3, 0.7], [0.2, 0.6], [0.8, 0.4]])
    positives = [[0], [0], [1], [1]]
    hits = metrics.retrieval_hits(sim, positives, ks=(1,))
    assert hits["v2t_R1"].tolist() == [True, False, True, False]
    assert hits["t2v_R1"].tolist() == [True, False]  # text 1's best video (0.6) is beaten by video 1 (0.7)
    mask = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=bool)
    explicit = metrics.retrieval_recall(sim, mask, [[0, 1], [2, 3]])
    assert explicit == metrics.retrieval_recall(sim, positives)
    assert explicit["v2t_R1"] == 50.0 and explicit["t2v_R1"] == 50.0 and explicit["t2v_R5"] == 100.0


def test_retrieval_many_texts_per_video_and_ties():
    sim = np.array([[0.1, 0.5, 0.9], [0.5, 0.5, 0.5]])
    v2t, t2v = metrics.retrieval_ranks(sim, [[0, 2], [1]])
    assert v2t.tolist() == [0, 2]  # video 1 ties with both negatives: ties count against it
    assert t2v.tolist() == [1, 1, 0]  # text 1: video 1 ties with video 0, counted against it


def test_retrieval_rejects_bad_positives():
    sim = np.zeros((2, 3))
    with pytest.raises(ValueError, match="text-to-video: queries \\[1\\] have no positive"):
        metrics.retrieval_recall(sim, [[0], [2]])
    with pytest.raises(ValueError, match="outside 0..2"):
        metrics.retrieval_recall(sim, [[0], [3]])
    with pytest.raises(ValueError, match="must match"):
        metrics.retrieval_recall(sim, np.ones((3, 2), dtype=bool))


def test_qa_accuracy_groups():
    qtype = ["CW", "CH", "TN", "TC", "TP", "DC", "DL", "DO", "CW", "TN"]
    answer = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]
    pred = [0, 0, 2, 3, 0, 0, 1, 0, 3, 0]  # right: CW, TN, TC, DC, DL, CW
    hard = [True, True, True, False, True, False, False, False, False, True]
    result = metrics.qa_accuracy(np.array(pred), torch.tensor(answer), qtype, hard)
    assert result["c"] == pytest.approx(200 / 3)  # CW, CH, CW: 2 of 3
    assert result["t"] == pytest.approx(50.0)  # TN, TC, TP, TN: 2 of 4
    assert result["d"] == pytest.approx(200 / 3)  # DC, DL, DO: 2 of 3
    assert result["all"] == pytest.approx(60.0)
    assert result["cw"] == 100.0 and result["ch"] == 0.0 and result["tp"] == 0.0
    assert result["hard_c"] == pytest.approx(50.0)  # CW right, CH wrong
    assert result["hard_t"] == pytest.approx(100 / 3)  # TN right, TP wrong, TN wrong
    assert result["hard_all"] == pytest.approx(40.0)
    assert "hard_all" not in metrics.qa_accuracy(pred, answer, qtype)
    assert np.isnan(metrics.qa_accuracy([0], [0], ["CW"])["d"])
    with pytest.raises(ValueError, match="unknown NExT-QA question types \\['XX'\\]"):
        metrics.qa_accuracy([0], [0], ["XX"])


def test_bootstrap_interval_contains_estimate_and_narrows():
    rng = np.random.default_rng(0)
    small = 100.0 * (rng.random(100) < 0.7)
    large = 100.0 * (rng.random(2000) < 0.7)
    for method in ("percentile", "BCa"):
        low, high = metrics.bootstrap_ci(small, n_resamples=2000, method=method)
        assert low < small.mean() < high
    small_low, small_high = metrics.bootstrap_ci(small, n_resamples=2000)
    large_low, large_high = metrics.bootstrap_ci(large, n_resamples=2000)
    assert large_low < large.mean() < large_high
    assert (large_high - large_low) < 0.5 * (small_high - small_low)
    assert metrics.bootstrap_ci(small, n_resamples=500, seed=3) == metrics.bootstrap_ci(small, n_resamples=500, seed=3)


def test_bootstrap_degenerate_values():
    assert metrics.bootstrap_ci(np.full(50, 100.0), method="BCa") == (100.0, 100.0)
    assert metrics.bootstrap_ci([42.0]) == (42.0, 42.0)
    with pytest.raises(ValueError, match="no per-sample values"):
        metrics.bootstrap_ci([])


def test_paired_test_exact_mcnemar():
    a = np.array([1] * 8 + [0] * 2 + [1] * 5 + [0] * 5, dtype=bool)  # 8 only-A, 2 only-B, 5 both, 5 neither
    b = np.array([0] * 8 + [1] * 2 + [1] * 5 + [0] * 5, dtype=bool)
    assert metrics.paired_test(a, b) == pytest.approx(112 / 1024)  # 2 * P(X <= 2), X ~ Binomial(10, 1/2)
    assert metrics.paired_test(b, a) == pytest.approx(112 / 1024)
    assert metrics.paired_test(a, a) == 1.0
    assert metrics.paired_test([True] * 10, [False] * 10) == pytest.approx(2 / 1024)
    with pytest.raises(ValueError, match="same samples"):
        metrics.paired_test([True], [True, False])


def test_mmengine_metrics_from_registry():
    actionbench = METRICS.build(dict(type="ActionBenchMetric", seed=0))
    actionbench.process({}, [{"pos_score": torch.tensor(0.9), "neg_score": torch.tensor(0.1)},
                             {"pos_score": 0.2, "neg_score": 0.8}])
    actionbench.process({}, [{"pos_score": 0.7, "neg_score": 0.3}, {"pos_score": 0.6, "neg_score": 0.5}])
    result = actionbench.evaluate(4)
    assert result["actionbench/accuracy"] == 75.0 and result["actionbench/num_samples"] == 4.0
    assert result["actionbench/ci_low"] <= 75.0 <= result["actionbench/ci_high"]

    retrieval = METRICS.build(dict(type="RetrievalMetric"))
    sim = [[0.9, 0.1], [0.3, 0.7], [0.2, 0.6], [0.8, 0.4]]
    retrieval.process({}, [{"scores": torch.tensor(row), "positives": [v // 2]} for v, row in enumerate(sim)])
    assert retrieval.evaluate(4) == {f"retrieval/{k}": v for k, v in
                                     metrics.retrieval_recall(np.array(sim), [[0], [0], [1], [1]]).items()}

    qa = METRICS.build(dict(type="NextQAMetric"))
    qa.process({}, [{"pred": 1, "answer": 1, "qtype": "CW", "hard": True},
                    {"pred": torch.tensor(0), "answer": 2, "qtype": "TN", "hard": False}])
    result = qa.evaluate(2)
    assert result["nextqa/all"] == 50.0 and result["nextqa/hard_c"] == 100.0 and np.isnan(result["nextqa/hard_t"])
    with pytest.raises(KeyError, match="needs 'qtype'"):
        qa.process({}, [{"pred": 1, "answer": 1}])
