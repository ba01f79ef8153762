"""CLIP-ViP (microsoft/XPretrain) as a paxion backbone: `clipvip-b32`, `clipvip-b16`, `clipvip-tiny`.

    from paxion_core import build_backbone
    backbone = build_backbone("clipvip-b32", checkpoint="pretrain_clipvip_base_32.pt")

Modules: `model` (architecture, size configs, `build_clipvip`), `checkpoint` (official key mapping), `tokenizer`
(CLIP BPE, needs the `clipvip` extra), `plugin` (the entry point). Nothing is imported here: loading the entry point
(`plugin`) must not build models or need the optional tokenizer dependencies.
"""
