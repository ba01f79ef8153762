"""The weights a training run hands to the next stage: the trainable modules' state dict alone (safe to load)."""

from __future__ import annotations

from pathlib import Path

from torch import Tensor, nn

from paxion_core.checkpoint import load_state_dict_strict, read_checkpoint

WEIGHTS_FILE = "weights.pth"


def trainable_state(model: nn.Module) -> dict[str, Tensor]:
    """State-dict entries of the modules that have at least one trainable parameter."""
    model = getattr(model, "module", model)  # unwrap DDP
    owners = {name.split(".")[0] for name, p in model.named_parameters() if p.requires_grad}
    return {k: v.detach().cpu() for k, v in model.state_dict().items() if k.split(".")[0] in owners}


def load_weights(module: nn.Module, path: str | Path, *, prefixes: tuple[str, ...] | None = None) -> None:
    """Load a `weights.pth` written by `train` (safe loader). `prefixes` restricts to those top-level modules,
    each of which must then match strictly; modules absent from the file are left as they are."""
    state = read_checkpoint(path, weights_only=True)
    groups = {key.split(".")[0] for key in state}
    for prefix in sorted(groups if prefixes is None else groups & set(prefixes)):
        sub = {k[len(prefix) + 1:]: v for k, v in state.items() if k.startswith(prefix + ".")}
        target = getattr(module, prefix, None)
        if not isinstance(target, nn.Module):
            raise ValueError(f"{path} holds {prefix}.* weights but this {type(module).__name__} has no {prefix} "
                             "(e.g. fuser weights need stage='patch_and_fuse' or 'side_tuning')")
        load_state_dict_strict(target, sub, source=f"{path} [{prefix}]")
