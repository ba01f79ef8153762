"""Reading checkpoints safely and loading them strictly, with a report a person can act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import Tensor, nn

UNSAFE_HINT = (
    "pass weights_only=False only if you trust the file: unpickling it runs arbitrary code"
)


class CheckpointError(RuntimeError):
    """A checkpoint file could not be read or does not fit the model."""


@dataclass
class LoadReport:
    """What a load found. `ok` when nothing is missing, unexpected or mis-shaped."""

    source: str
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)  # key, ckpt, model
    loaded: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    def __str__(self) -> str:
        lines = [f"checkpoint {self.source}: {self.loaded} tensors loaded"]
        for title, keys in (("missing (in the model, not in the checkpoint)", self.missing),
                            ("unexpected (in the checkpoint, not in the model)", self.unexpected)):
            if keys:
                shown = ", ".join(keys[:20]) + (f", ... ({len(keys) - 20} more)" if len(keys) > 20 else "")
                lines.append(f"  {len(keys)} {title}: {shown}")
        for key, got, want in self.mismatched[:20]:
            lines.append(f"  mis-shaped {key}: checkpoint {list(got)} vs model {list(want)}")
        if len(self.mismatched) > 20:
            lines.append(f"  ... {len(self.mismatched) - 20} more mis-shaped keys")
        return "\n".join(lines)


class CheckpointMismatchError(CheckpointError):
    def __init__(self, report: LoadReport):
        self.report = report
        super().__init__(
            f"{report}\nThe checkpoint does not fit this architecture. Check that the backbone name/size matches the "
            "file; pass strict=False to load the overlap and inspect the report."
        )


def read_checkpoint(path: str | Path, *, weights_only: bool = True) -> dict:
    """torch.load on the CPU; `weights_only=True` (the default) refuses pickled Python objects.

    Checkpoints from strangers are pickles: the unsafe path must be asked for explicitly.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"checkpoint not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=weights_only)
    except Exception as exc:  # torch raises UnpicklingError, RuntimeError, EOFError, ... depending on the damage
        if weights_only and "weights_only" in str(exc):
            raise CheckpointError(
                f"{path} contains pickled Python objects that the safe loader refuses ({type(exc).__name__}); "
                f"{UNSAFE_HINT}."
            ) from exc
        raise CheckpointError(f"cannot read checkpoint {path}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{path} holds a {type(obj).__name__}, expected a dict of tensors")
    return dict(obj)


def strip_prefix(state: Mapping[str, Tensor], prefix: str) -> dict[str, Tensor]:
    """Keys starting with `prefix`, with it removed; other keys dropped."""
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def load_state_dict_strict(module: nn.Module, state: Mapping[str, Tensor], *, strict: bool = True,
                           source: str = "<state dict>") -> LoadReport:
    """Load `state` into `module` (casting dtypes to the module's), returning a LoadReport.

    strict=True raises CheckpointMismatchError on any missing / unexpected / mis-shaped key before anything is
    copied; strict=False copies the keys that fit and returns the report.
    """
    own = module.state_dict()
    report = LoadReport(source=source)
    report.missing = sorted(k for k in own if k not in state)
    report.unexpected = sorted(k for k in state if k not in own)
    report.mismatched = [(k, tuple(v.shape), tuple(own[k].shape)) for k, v in state.items()
                         if k in own and tuple(v.shape) != tuple(own[k].shape)]
    if strict and not report.ok:
        raise CheckpointMismatchError(report)
    bad = {k for k, *_ in report.mismatched}
    fitting = {k: v.to(own[k].dtype) for k, v in state.items() if k in own and k not in bad}
    module.load_state_dict(fitting, strict=False)
    report.loaded = len(fitting)
    return report
