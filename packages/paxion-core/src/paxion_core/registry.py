"""mmengine registries of the `paxion` scope: one per component kind.

Backbones are not registered class by class: the BACKBONES registry builds through the plugin system, so a config's
`backbone=dict(type="internvideo-tiny", ...)` reaches whatever plugin provides that name.
"""

from __future__ import annotations

from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import Registry

from paxion_core.plugins import build_backbone


def _build_backbone_from_cfg(cfg: dict, registry: Registry, default_args: dict | None = None):
    args = {**(default_args or {}), **dict(cfg)}
    return build_backbone(args.pop("type"), **args)


MODELS = Registry("model", parent=MMENGINE_MODELS, scope="paxion",
                  locations=["paxion_core.model", "paxion_core.training"])
BACKBONES = Registry("backbone", scope="paxion", build_func=_build_backbone_from_cfg)
DATASETS = Registry("dataset", parent=MMENGINE_DATASETS, scope="paxion",
                    locations=["paxion_core.data", "paxion_core.features"])
METRICS = Registry("metric", parent=MMENGINE_METRICS, scope="paxion", locations=["paxion_eval.metrics"])
FUNCTIONS = Registry("function", parent=MMENGINE_FUNCTIONS, scope="paxion", locations=["paxion_core.data"])
HOOKS = Registry("hook", parent=MMENGINE_HOOKS, scope="paxion", locations=["paxion_core.training"])
