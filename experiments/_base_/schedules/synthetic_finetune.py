# Synthetic profile, downstream fine-tuning: shorter than patcher training (the paper: one more epoch), and at the
# lower lr of a stage that starts from a trained patcher.
_base_ = ["./synthetic.py"]
train_cfg = dict(max_iters=600)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=600, eta_min=1e-5)]
