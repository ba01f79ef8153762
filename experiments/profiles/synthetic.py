# Synthetic profile (the default): the procedurally generated action world, tiny backbones pretrained in-repo,
# cached backbone features, CPU. The world writes the official file layout (profiles/layout.py) under its root.
_base_ = ["./layout.py"]
profile = "synthetic"
image_size = 32
configs = "synthetic"  # row configs live in experiments/synthetic/
backbones = dict(
    internvideo=dict(type="internvideo-tiny"),
    clipvip=dict(type="clipvip-tiny"),
    singularity=dict(type="singularity-tiny"),
)
# KP-Transformer feed-forward width per backbone (tiny widths: twice the token width, as InternVideo's 2048 / 1024)
kp_transformer_ffn = dict(internvideo=192, clipvip=192, singularity=192)
# stage 0: the tiny backbones' pretraining, in order (the paper profile loads the official checkpoints instead)
pretrain = ["synthetic/pretrain/backbone.py", "synthetic/pretrain/backbone_text.py"]
feature_cache = True
# Training length follows the world's size: every config's iteration count (and its cosine schedule) is multiplied
# by this factor for the scale being reproduced.
iteration_scale = dict(ci=0.05, default=1.0, large=2.0)
# Scales whose golden numbers are checked train and evaluate on a fixed number of torch threads: float sums, and so
# the trained weights, change with the thread count, and at ci scale one clip moves a cell by several points. The
# golden numbers (paxion_eval/golden.json) are recorded on this count, so they hold on any machine.
torch_threads = dict(ci=1)
