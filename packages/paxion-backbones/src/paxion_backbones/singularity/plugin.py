"""The `singularity` plugin of the `paxion.backbones` entry-point group.

Imports nothing beyond paxion_core: the factories are lazy "module:function" strings, so discovery stays cheap and a
broken model module cannot hide the other backbones.
"""

from __future__ import annotations

from collections.abc import Callable

from paxion_core import hookimpl

FACTORY = "paxion_backbones.singularity.model:build_singularity"
INSTALL = "pip install 'paxion-backbones[singularity]'"
DESCRIPTIONS = {
    "singularity-temporal-17m": "Singularity-temporal-17M: BEiT-B/16 per frame + 2-layer temporal encoder, BERT-base "
                                "text (official checkpoint singularity_temporal_17m.pth)",
    "singularity-tiny": "Singularity, CPU size (32 px, 8-px patches, width 96, absolute position embedding), same code",
}


@hookimpl
def register_backbones(register: Callable[..., None]) -> None:
    for name, description in DESCRIPTIONS.items():
        register(name, FACTORY, requires=(), install=INSTALL, description=description, defaults={"size": name})
