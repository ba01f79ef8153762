# Synthetic profile, stage 0: "pretrain" a tiny backbone on single frames with relational captions (DESIGN §5),
# which gives it the static-appearance bias of real video-language models. Frames are fed as 1-frame clips.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic.py"]
model = dict(type="BackbonePretrainer", backbone=dict(type="internvideo-tiny"))
train_dataloader = dict(
    batch_size=128,
    dataset=dict(type="FrameCaptionDataset", ann_file="<world>/pretrain/pretrain.jsonl", video_root="<world>",
                 num_frames=1, preload=True, transform=dict(image_size=32)),
)
train_cfg = dict(max_iters=300)
# A linear warmup: without it the from-scratch tiny CLIP-ViP collapsed in its first 10 steps (every frame embedding
# the same, the loss stuck at ln(batch) = 4.85 for all 300 steps); with it the loss starts falling by step 40.
param_scheduler = [
    dict(type="LinearLR", start_factor=0.02, by_epoch=False, begin=0, end=50),
    dict(type="CosineAnnealingLR", by_epoch=False, begin=50, end=300, eta_min=1e-5),
]
optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=0.05))
