"""`paxion.backbones` entry point `internvideo`: registers every size in CONFIGS.

Imports nothing optional: the factory is resolved only when a backbone is built, so without ftfy/regex the names stay
listed as unavailable with their install hint.
"""

from paxion_backbones.internvideo.config import CONFIGS
from paxion_core import hookimpl

REQUIRES = ("ftfy", "regex")
INSTALL = "pip install 'paxion-backbones[internvideo]'"
FACTORY = "paxion_backbones.internvideo.model:build_internvideo"


@hookimpl
def register_backbones(register):
    for name, config in CONFIGS.items():
        register(name, FACTORY, requires=REQUIRES, install=INSTALL, defaults={"size": name},
                 description=f"InternVideo-MM: {config.describe()}")
