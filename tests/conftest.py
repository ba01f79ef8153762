"""Shared fixtures: every test starts from the same seeds."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch


@pytest.fixture(autouse=True)
def _seed_everything():
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture
def toy_backbone():
    """The worked-example plugin's backbone (tests/plugins/paxion-backbone-example), reached through its entry point."""
    from paxion_core import build_backbone

    return build_backbone("example-vit")
