# Synthetic profile, stage 0b: locked-image text tuning. The vision side of the stage-0 backbone is frozen and the
# text tower keeps learning the frames' relational captions, in cheap steps, until it tells "from left to right"
# from "from right to left" (measured: label/antonym cosine 0.98 after stage 0 alone, 0.88 after this stage).
_base_ = ["./backbone.py"]
model = dict(trainable="text")
train_dataloader = dict(batch_size=256)
train_cfg = dict(max_iters=1500)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=1500, eta_min=1e-5)]
