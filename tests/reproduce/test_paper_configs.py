"""Row configs of both profiles (experiments/<profile>/, named by the table plans in experiments/tables/).

Every row config a plan names exists and loads in both profiles, with the same model (stage, objectives, patcher
type); the paper profile's carry the official hyper-parameters (MikeWangWZHL/Paxion src/configs/projects/train/);
each paper row builds a `PatchAndFuse` that trains a step, and starts strictly from the patcher its plan names.
CPU and no weights: models are built around the tiny InternVideo at the tiny widths (4 heads x 32).
"""

from __future__ import annotations

import math
from functools import cache

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import PARAM_SCHEDULERS

from paxion_core import PatchAndFuse
from paxion_core.registry import MODELS
from paxion_core.weights import WEIGHTS_FILE, trainable_state
from paxion_eval.reproduce import experiments_dir

EXPERIMENTS = experiments_dir()
TABLES = ("table1", "table2", "table3")
PROFILES = ("synthetic", "paper")

# The official (epochs, batch per GPU) of each paper row, as released in MikeWangWZHL/Paxion
# src/configs/projects/train/ (AdamW lr 1e-5, weight decay 0.05 for all of them).
OFFICIAL = {
    "actionbench/kp_transformer_vtc.py": (1, 8),  # actionbench/*/KP-Transformer-VTC.yaml
    "actionbench/kp_perceiver_vtc.py": (1, 32),  # actionbench/*/KP-Perceiver-VTC.yaml
    "actionbench/kp_perceiver_vtc_dvdm.py": (1, 32),  # actionbench/*/KP-Perceiver-VTC-DVDM.yaml
    "retrieval/kp_transformer_ft_vtc.py": (1, 8),  # none released: ssv2_* epochs, KP-Transformer-VTC.yaml batch
    "retrieval/kp_perceiver_ft_vtc.py": (1, 32),  # downstream_tasks/ssv2_*/KP-Perceiver-FT-VTC.yaml
    "retrieval/side_tuning.py": (1, 32),  # downstream_tasks/ssv2_*/Side_Tuning.yaml
    "retrieval/paxion.py": (1, 32),  # downstream_tasks/ssv2_*/Patch_and_Fuse.yaml
    "nextqa/kp_transformer_ft_vtc.py": (5, 16),  # downstream_tasks/nextqa/KP-Perceiver-FT-VTC.yaml
    "nextqa/kp_perceiver_ft_vtc.py": (5, 16),  # downstream_tasks/nextqa/KP-Perceiver-FT-VTC.yaml
    "nextqa/kp_perceiver_vtc_dvdm.py": (1, 16),  # downstream_tasks/nextqa/KP-Perceiver-VTC-DVDM.yaml
    "nextqa/side_tuning.py": (4, 16),  # downstream_tasks/nextqa/Side_Tuning.yaml
    "nextqa/paxion.py": (4, 16),  # downstream_tasks/nextqa/Patch_and_Fuse.yaml
}
TRAINED_MODULES = {"patcher": {"patcher"}, "patcher_finetune": {"patcher"}, "patch_and_fuse": {"patcher", "fuser"},
                   "side_tuning": {"patcher", "fuser"}}


@cache
def load(path: str) -> Config:
    """A config under experiments/ (cached: callers must not modify it)."""
    return Config.fromfile(str(EXPERIMENTS / path))


def row_config(profile: str, row: str) -> Config:
    return load(f"{load(f'profiles/{profile}.py').configs}/{row}")


def plan_rows(table: str) -> list[tuple[str, str | None]]:
    """(row config, config of the patcher it starts from or None) of every trained row of a table plan."""
    out = []
    for spec in load(f"tables/{table}.py").rows.values():
        if isinstance(spec, str):
            out.append((spec, None))
        elif spec is not None:
            out.append((spec["config"], spec["init"][0]))
    return out


def plan_configs(table: str) -> list[str]:
    """Every config a table plan names: its rows' configs and the configs of the patchers they start from."""
    return list(dict.fromkeys(name for pair in plan_rows(table) for name in pair if name is not None))


ROWS = sorted({row for table in TABLES for row in plan_configs(table)})
INITS = sorted({(row, init) for table in TABLES for row, init in plan_rows(table) if init is not None})


def patcher_type(cfg: Config) -> str:
    return cfg.model.patcher.get("type", "perceiver")


def build_tiny(cfg: Config, init_from: str | None = None) -> PatchAndFuse:
    """The config's model around the tiny InternVideo at the tiny widths; every other key as the config has it."""
    model = cfg.model.to_dict()
    model["backbone"] = dict(type="internvideo-tiny")
    if patcher_type(cfg) == "transformer":
        model["patcher"].update(heads=4, ffn_dim=load("profiles/synthetic.py").kp_transformer_ffn["internvideo"])
    else:
        model["patcher"].update(heads=4, dim_head=32)
    model["fuser"].update(heads=4, dim_head=32)
    if init_from is not None:
        model["init_from"] = init_from
    return MODELS.build(model)


def training_batch() -> dict:
    """Two clips with every input some objective reads (VTC/VAC/ATM texts and flags, 5-way QA choices)."""
    answers = ["it rolls away", "it falls over", "it stays still", "it is lifted up", "it is pushed left"]
    antonyms = ["it rolls closer", "it stands up", "it keeps moving", "it is put down", "it is pushed right"]
    return dict(video=torch.randn(2, 8, 3, 32, 32), text=["pushing a cube left", "lifting a ball up"],
                antonym_text=["pushing a cube right", "putting a ball down"], salient=torch.tensor([True, False]),
                candidates=[[f"what happens to the object? {a}" for a in answers]] * 2, answer=torch.tensor([0, 3]),
                antonym_candidates=[[f"what happens to the object? {a}" for a in antonyms]] * 2)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("table", TABLES)
def test_plans_name_loadable_configs(profile, table):
    configs = EXPERIMENTS / load(f"profiles/{profile}.py").configs
    for row in plan_configs(table):
        assert (configs / row).is_file(), f"{table} names {row}, which is not in {configs}"
        cfg = row_config(profile, row)
        assert cfg.model.type == "PatchAndFuse" and cfg.default_scope == "paxion", f"{configs / row}"


def test_paper_configs_are_the_plans_rows_and_mirror_the_synthetic_ones():
    paper = {p.relative_to(EXPERIMENTS / "paper").as_posix() for p in (EXPERIMENTS / "paper").rglob("*.py")}
    assert paper == set(ROWS) == set(OFFICIAL)
    assert all((EXPERIMENTS / "synthetic" / row).is_file() for row in paper)


@pytest.mark.parametrize("row", ROWS)
def test_profiles_agree_on_the_model(row):
    synthetic, paper = row_config("synthetic", row), row_config("paper", row)
    assert paper.model.stage == synthetic.model.stage
    assert tuple(paper.model.objectives) == tuple(synthetic.model.objectives)
    assert patcher_type(paper) == patcher_type(synthetic)
    base_backbone = load("_base_/models/patch_and_fuse.py").model.backbone
    for cfg in (synthetic, paper):  # the reproduction fills the backbone, the data and the initial patcher
        assert cfg.model.backbone == base_backbone and "init_from" not in cfg.model
        assert "dataset" not in cfg.train_dataloader


@pytest.mark.parametrize("row", ROWS)
def test_paper_configs_carry_the_official_hyper_parameters(row):
    cfg = row_config("paper", row)
    epochs, batch_size = OFFICIAL[row]
    assert cfg.optim_wrapper.optimizer.to_dict() == dict(type="AdamW", lr=1e-5, weight_decay=0.05)
    assert (cfg.train_cfg.type, cfg.train_cfg.max_epochs) == ("EpochBasedTrainLoop", epochs)
    assert cfg.train_dataloader.batch_size == batch_size
    assert (cfg.model.label_smoothing, cfg.model.atm_weight, cfg.randomness.seed) == (0.1, 0.4, 42)
    assert (cfg.model.fuser.heads, cfg.model.fuser.dim_head, cfg.model.fuser.ff_mult) == (8, 64, 2)
    patcher = cfg.model.patcher
    if patcher_type(cfg) == "transformer":
        assert patcher.to_dict() == dict(type="transformer", heads=8)
    else:
        assert (patcher.num_latents, patcher.depth, patcher.heads, patcher.dim_head, patcher.ff_mult) == (
            16, 1, 8, 64, 2)


@pytest.mark.parametrize("row", ROWS)
def test_paper_learning_rate_per_epoch_is_the_official_cosine(row):
    """The released linear_warmup_cosine_lr (no warm-up, min_lr 0): lr = 1e-5 (1 + cos(pi e / E)) / 2 in epoch e."""
    cfg = row_config("paper", row)
    epochs = cfg.train_cfg.max_epochs
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [PARAM_SCHEDULERS.build({**s.to_dict(), "optimizer": optimizer}) for s in cfg.param_scheduler]
    assert all(s.by_epoch for s in schedulers)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # the epoch's updates, then the per-epoch scheduler step, as mmengine's loop does
        for scheduler in schedulers:
            scheduler.step()
    assert rates == pytest.approx([1e-5 * (1 + math.cos(math.pi * e / epochs)) / 2 for e in range(epochs)], rel=1e-9)


@pytest.mark.parametrize("row", ROWS)
def test_paper_rows_build_and_train_a_step(row):
    cfg = row_config("paper", row)
    model = build_tiny(cfg).train()
    losses = model(mode="loss", **training_batch())
    assert set(losses) == {f"loss_{o}" for o in cfg.model.objectives if o != "vac"}
    sum(losses.values()).backward()
    trainable = {name: p for name, p in model.named_parameters() if p.requires_grad}
    assert {name.split(".")[0] for name in trainable} == TRAINED_MODULES[cfg.model.stage]
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in trainable.values())


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("row", "init"), INITS)
def test_rows_start_from_their_plan_patcher(profile, row, init, tmp_path):
    patcher = build_tiny(row_config(profile, init))
    weights = tmp_path / WEIGHTS_FILE
    torch.save(trainable_state(patcher), weights)
    model = build_tiny(row_config(profile, row), init_from=str(weights))  # strict: raises on any missing key
    loaded, trained = model.patcher.state_dict(), patcher.patcher.state_dict()
    assert loaded.keys() == trained.keys() and all(torch.equal(loaded[k], trained[k]) for k in trained)
