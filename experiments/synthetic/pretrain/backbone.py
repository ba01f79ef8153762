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
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=300, eta_min=1e-5)]
optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=0.05))
