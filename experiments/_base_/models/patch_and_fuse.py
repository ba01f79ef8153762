# Patch-and-Fuse around a frozen backbone (DESIGN §3). Rows override stage / patcher / objectives.
model = dict(
    type="PatchAndFuse",
    backbone=dict(type="internvideo-mm-l14"),
    patcher=dict(type="perceiver", num_latents=16, depth=1, heads=8, dim_head=64, ff_mult=2, temporal_dropout=0.1),
    stage="patcher",
    fuser=dict(heads=8, dim_head=64, ff_mult=2),  # used by the patch_and_fuse / side_tuning stages
    objectives=("vtc",),
    atm_weight=0.4,
    label_smoothing=0.1,
    backbone_train_mode=False,
)
