# Paper profile: the official checkpoints and data sets at user-given paths, the paper's hyper-parameters, GPUs.
_base_ = ["./layout.py"]
profile = "paper"
image_size = 224
configs = "paper"
backbones = dict(
    internvideo=dict(type="internvideo-mm-l14"),
    clipvip=dict(type="clipvip-b32"),
    singularity=dict(type="singularity-temporal-17m"),
)
kp_transformer_ffn = dict(internvideo=2048, clipvip=1024, singularity=1024)
# Official backbone checkpoints, relative to --checkpoints, and where the official instructions say to get them.
checkpoints = dict(
    internvideo=("InternVideo/InternVideo-MM-L-14.ckpt",
                 "OpenGVLab/InternVideo README (InternVideo-MM-L-14), as linked from MikeWangWZHL/Paxion"),
    clipvip=("CLIP-ViP/pretrain_clipvip_base_32.pt", "microsoft/XPretrain CLIP-ViP README (CLIP-ViP B/32)"),
    singularity=("Singularity/singularity_temporal_17m.pth", "jayleicn/singularity README (Singularity-temporal, 17M)"),
)
pretrain = None
feature_cache = False  # full-size token caches of SSv2 would take ~100 GB; features are computed online
