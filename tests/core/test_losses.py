"""Each loss against values computed by hand from the definitions (label smoothing 0.1)."""

import math

import pytest
import torch

from paxion_core.losses import atm_loss, mcqa_loss, vtc_loss


def smoothed_ce(logits: list[float], target: int, eps: float = 0.1) -> float:
    """Cross-entropy with label smoothing, written out: lse - Σ q_i z_i, q = (1-eps)·onehot + eps/K."""
    k = len(logits)
    lse = math.log(sum(math.exp(z) for z in logits))
    q = [(1 - eps) * (i == target) + eps / k for i in range(k)]
    return lse - sum(qi * zi for qi, zi in zip(q, logits))


EYE2 = torch.eye(2)


def test_vtc_2x2_by_hand():
    # unit vectors: cosine similarities are the dot products; temperature 0.5 doubles them
    loss = vtc_loss(EYE2, EYE2, 0.5)
    assert loss.item() == pytest.approx(smoothed_ce([2.0, 0.0], 0), abs=1e-6)
    assert smoothed_ce([2.0, 0.0], 0) == pytest.approx(0.22692801, abs=1e-6)


def test_vtc_3x3_asymmetric_by_hand():
    video = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    text = torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    sim = (video @ text.T).tolist()
    v2t = sum(smoothed_ce(sim[i], i) for i in range(3)) / 3
    t2v = sum(smoothed_ce([sim[j][i] for j in range(3)], i) for i in range(3)) / 3
    assert vtc_loss(video, text, 1.0).item() == pytest.approx((v2t + t2v) / 2, abs=1e-6)


def test_vac_doubles_the_video_to_text_candidates():
    antonyms = torch.tensor([[0.6, 0.8], [0.8, 0.6]])
    loss = vtc_loss(EYE2, EYE2, 1.0, antonym_text=antonyms)
    v2t = (smoothed_ce([1.0, 0.0, 0.6, 0.8], 0) + smoothed_ce([0.0, 1.0, 0.8, 0.6], 1)) / 2  # 2B = 4 candidates
    t2v = smoothed_ce([1.0, 0.0], 0)  # text→video keeps B candidates
    assert loss.item() == pytest.approx((v2t + t2v) / 2, abs=1e-6)
    assert loss.item() > vtc_loss(EYE2, EYE2, 1.0).item()


def test_vtc_with_latents_takes_the_best_latent():
    latents = torch.tensor([[[1.0, 0.0], [0.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]]])  # [B=2, N=2, D=2]
    assert vtc_loss(latents, EYE2, 1.0).item() == pytest.approx(vtc_loss(EYE2, EYE2, 1.0).item(), abs=1e-6)


def test_atm_by_hand_and_edge_cases():
    video = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], requires_grad=True)
    reversed_ = torch.tensor([[0.6, 0.8], [1.0, 0.0], [1.0, 0.0]])
    text = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    per_sample = [smoothed_ce([1.0, 0.6], 0), smoothed_ce([1.0, 0.0], 0), smoothed_ce([1.0, 1.0], 0)]

    all_salient = atm_loss(video, reversed_, text, 1.0)
    assert all_salient.item() == pytest.approx(sum(per_sample) / 3, abs=1e-6)
    mask_all = atm_loss(video, reversed_, text, 1.0, torch.tensor([True, True, True]))
    assert mask_all.item() == pytest.approx(all_salient.item(), abs=1e-7)

    one = atm_loss(video, reversed_, text, 1.0, torch.tensor([False, True, False]))
    assert one.item() == pytest.approx(per_sample[1], abs=1e-6)

    none = atm_loss(video, reversed_, text, 1.0, torch.tensor([0, 0, 0]))
    assert none.item() == 0.0
    none.backward()  # attached to the graph, so a batch without salient samples does not break backward
    assert video.grad is None or torch.count_nonzero(video.grad) == 0


def test_atm_prefers_the_forward_clip():
    text = torch.randn(4, 8)
    good = atm_loss(text.clone(), -text, text, 0.07)
    bad = atm_loss(-text, text.clone(), text, 0.07)
    assert good.item() < bad.item()


def test_mcqa_by_hand():
    video = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    candidates = torch.tensor([
        [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]],
        [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]],
    ])
    answer = torch.tensor([0, 2])
    expected = (smoothed_ce([1.0, 0.0, 0.6], 0) + smoothed_ce([0.0, 1.0, 0.8], 2)) / 2
    assert mcqa_loss(video, candidates, answer, 1.0).item() == pytest.approx(expected, abs=1e-6)


def test_mcqa_padding_is_excluded_from_softmax_and_smoothing():
    video = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    cand = torch.tensor([
        [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]],  # 4 real candidates (2 antonym choices appended)
        [[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [9.0, 9.0]],  # 3 real, one padding row
    ])
    mask = torch.tensor([[True] * 4, [True, True, True, False]])
    answer = torch.tensor([0, 1])
    expected = (smoothed_ce([1.0, 0.0, 0.6, 0.8], 0) + smoothed_ce([0.0, 1.0, 0.8], 1)) / 2
    assert mcqa_loss(video, cand, answer, 1.0, mask=mask).item() == pytest.approx(expected, abs=1e-6)
    full = torch.ones(2, 4, dtype=torch.bool)
    assert mcqa_loss(video, cand, answer, 1.0, mask=full).item() == pytest.approx(
        mcqa_loss(video, cand, answer, 1.0).item(), abs=1e-6)
