"""In DDP the features are gathered with gradients: two ranks with half a batch each give, summed, the gradient
a single process gets for the whole batch (the official code's gradient-free gather would not)."""

import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from paxion_core.losses import atm_loss, vtc_loss

B, D = 4, 6


def inputs():
    g = torch.Generator().manual_seed(3)
    return [torch.randn(B, 3, D, generator=g), torch.randn(B, D, generator=g), torch.randn(B, D, generator=g)]


def single_process_grads():
    video, text, antonym = (x.clone().requires_grad_() for x in inputs())
    loss = vtc_loss(video, text, 0.1, antonym_text=antonym)
    loss.backward()
    return loss.detach(), video.grad, text.grad, antonym.grad


def worker(rank: int, port: int, out: dict) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=2)
    try:
        half = slice(rank * B // 2, (rank + 1) * B // 2)
        video, text, antonym = (x[half].clone().requires_grad_() for x in inputs())
        loss = vtc_loss(video, text, 0.1, antonym_text=antonym)
        loss.backward()
        out[rank] = (loss.detach(), video.grad, text.grad, antonym.grad)
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gather_keeps_gradients_across_ranks():
    manager = mp.Manager()
    out = manager.dict()
    mp.spawn(worker, args=(free_port(), out), nprocs=2, join=True)
    loss, *grads = single_process_grads()
    # The mean of the rank losses is the full-batch loss; with the gradient-carrying gather, the sum over ranks of
    # each rank's loss has, for rank r's rows, the gradient 2 × (full-batch gradient).
    assert torch.allclose((out[0][0] + out[1][0]) / 2, loss, atol=1e-6)
    for i, full in enumerate(grads, start=1):
        assert torch.allclose(torch.cat([out[0][i], out[1][i]]), 2 * full, atol=1e-5)


def test_atm_is_a_per_sample_loss_without_gather():
    video, text, _ = inputs()
    full = atm_loss(video, video.flip(0), text, 0.1)
    halves = [atm_loss(video[s], video.flip(0)[s], text[s], 0.1) for s in (slice(0, 2), slice(2, 4))]
    assert torch.allclose(full, sum(halves) / 2, atol=1e-6)
