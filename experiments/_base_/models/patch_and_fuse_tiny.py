# Patch-and-Fuse for the tiny backbones of the synthetic profile: the paper's structure (16 latents, depth 1,
# ff_mult 2, temporal embedding with dropout 0.1) at tiny-backbone width, 4 heads x 32 instead of 8 x 64.
_base_ = ["./patch_and_fuse.py"]
model = dict(patcher=dict(heads=4, dim_head=32), fuser=dict(heads=4, dim_head=32))
