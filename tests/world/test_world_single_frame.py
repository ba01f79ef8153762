"""A single-frame classifier trained on decoded frames: near chance on the direction of an action (which member of
its antonym pair a clip is), high on the object's identity (its colour) - the static-appearance bias the paper
diagnoses has nothing else to learn from. A control world whose reversed member is generated naively (moving the
other way from the same start) shows the same classifier does find direction when single frames carry it.

The classifier is a multinomial logistic regression (torch loss, scipy L-BFGS) on pixels: the frame and its
saturation (where the vivid objects are, whatever their colour) average-pooled to 8x8, plus a colour histogram
(the share of pixels near each object colour), standardised; evaluated by 2-fold cross-validation over clips
(4 frames per clip, evenly spaced over its narrated window, all in the same fold).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import decord
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.optimize import minimize

from paxion_eval.world import WorldInfo, domain_actions, render_clip, resolve_config, sample_clip
from paxion_eval.world.video import write_video
from paxion_eval.world.vocab import COLOURS

PALETTE = torch.tensor(list(COLOURS.values()), dtype=torch.float32)
# a chance-level classifier tested on ~450 clips lands within 0.5 +- CHANCE_BAND (about 3 standard deviations)
CHANCE_BAND = 0.07


@contextmanager
def _one_thread() -> Iterator[None]:
    """Small tensor work runs fastest on one thread (more threads are much slower on a busy 2-core machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _features(frames: np.ndarray) -> np.ndarray:
    """uint8 frames [N, H, W, 3] -> features [N, 4 * (H/4) * (W/4) + 8] (float64)."""
    with _one_thread():
        images = torch.from_numpy(frames).float().permute(0, 3, 1, 2) / 255.0
        saturation = images.amax(dim=1, keepdim=True) - images.amin(dim=1, keepdim=True)  # objects are vivid
        pixels = F.avg_pool2d(torch.cat([images, saturation], dim=1), 4).flatten(1)
        distance = ((images[:, None] - PALETTE[None, :, :, None, None]) ** 2).sum(dim=2)  # [N, 8, H, W]
        histogram = torch.exp(-distance / 0.02).mean(dim=(2, 3))
        return torch.cat([pixels, histogram], dim=1).double().numpy()


def _fit_logistic_regression(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression (mean cross-entropy + l2 * |W|^2) fitted with L-BFGS: (W [D, C], b [C])."""
    n, dim = x.shape
    classes = int(y.max()) + 1
    features, onehot = torch.from_numpy(x), torch.eye(classes, dtype=torch.float64)[torch.from_numpy(y)]

    def loss_and_grad(params: np.ndarray) -> tuple[float, np.ndarray]:
        weight = torch.from_numpy(params[:-classes]).view(dim, classes)
        log_probs = torch.log_softmax(features @ weight + torch.from_numpy(params[-classes:]), dim=1)
        loss = -(onehot * log_probs).sum() / n + l2 * weight.square().sum()
        residual = (log_probs.exp() - onehot) / n
        grad = torch.cat([(features.T @ residual + 2 * l2 * weight).flatten(), residual.sum(dim=0)])
        return float(loss), grad.numpy()

    with _one_thread():
        params = minimize(loss_and_grad, np.zeros(dim * classes + classes), jac=True, method="L-BFGS-B",
                          options={"maxiter": 300}).x
    return params[:-classes].reshape(dim, classes), params[-classes:]


def _cross_validated_accuracy(features: np.ndarray, labels: np.ndarray, clips: np.ndarray) -> float:
    """2-fold cross-validation over clips (a clip's frames share a fold) of the logistic regression."""
    fold = np.random.default_rng(0).permutation(clips.max() + 1)[clips] % 2
    correct = 0
    for held_out in (0, 1):
        train, test = fold != held_out, fold == held_out
        mean, std = features[train].mean(0), features[train].std(0) + 1e-4
        weight, bias = _fit_logistic_regression((features[train] - mean) / std, labels[train])
        correct += int((((features[test] - mean) / std @ weight + bias).argmax(1) == labels[test]).sum())
    return correct / len(labels)


def _decode_window(path: Path, first: int, last: int) -> np.ndarray:
    """4 frames evenly spaced over frames first..last of the video at `path`: uint8 [4, H, W, 3]."""
    reader = decord.VideoReader(str(path), num_threads=1)
    return reader.get_batch(np.linspace(first, last, 4).round().astype(int).tolist()).asnumpy()


@pytest.fixture(scope="module")
def decoded(ci_world: WorldInfo, states: dict) -> dict[str, np.ndarray]:
    """Frames of the SSv2-like and Ego4D-like clips of the ci world, with per-frame labels."""
    frames, member, salient, colour, clip = [], [], [], [], []
    records = [r for domain in ("ssv2", "ego4d") for r in states[domain].values()]
    for index, record in enumerate(records):
        segment = record["segments"][0]
        window = _decode_window(ci_world.root / record["video"], segment["start"], segment["end"])
        n = len(window)
        frames.append(window)
        member += [segment["member"]] * n
        salient += [record["salient"]] * n
        colour += [list(COLOURS).index(record["main"]["noun"].split()[0])] * n
        clip += [index] * n
    return {"features": _features(np.concatenate(frames)), "member": np.array(member),
            "salient": np.array(salient), "colour": np.array(colour), "clip": np.array(clip)}


def test_single_frames_do_not_reveal_the_direction(decoded: dict[str, np.ndarray]) -> None:
    paired = decoded["salient"]
    clips = decoded["clip"][paired]
    accuracy = _cross_validated_accuracy(decoded["features"][paired], decoded["member"][paired], clips)
    assert len(np.unique(clips)) > 400
    assert abs(accuracy - 0.5) < CHANCE_BAND, accuracy


def test_single_frames_reveal_the_object(decoded: dict[str, np.ndarray]) -> None:
    accuracy = _cross_validated_accuracy(decoded["features"], decoded["colour"], decoded["clip"])
    assert accuracy > 0.75, accuracy  # chance: 1/8


def test_single_frames_reveal_the_direction_of_a_naive_generator(tmp_path: Path) -> None:
    """Control: "pushing right to left" generated as "start where pushing left to right starts, move left" (instead
    of playing "left to right" backwards): now the frames of the two members differ where the object ends up, and
    the same classifier scores clearly outside the chance band (the test above would fail on such a world)."""
    config = resolve_config("ci")
    push = next(a for a in domain_actions("ssv2") if a.name == "shift_x:0")
    frames, member, clip = [], [], []
    for index in range(300):
        state = sample_clip(push, np.random.default_rng([21, index]), config)
        if index % 2:
            main = state.objects[0]
            main.x = 2 * main.x[0] - main.x
        path = tmp_path / f"{index}.mp4"
        write_video(path, render_clip(state), config["fps"], config["codec"], config["crf"])
        window = _decode_window(path, 0, state.num_frames - 1)
        frames.append(window)
        member += [index % 2] * len(window)
        clip += [index] * len(window)
    accuracy = _cross_validated_accuracy(_features(np.concatenate(frames)), np.array(member), np.array(clip))
    assert accuracy > 0.5 + 1.5 * CHANCE_BAND, accuracy
