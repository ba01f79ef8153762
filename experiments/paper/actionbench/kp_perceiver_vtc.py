# Table 1, KP-Perceiver [VTC], paper profile. Official values: MikeWangWZHL/Paxion
# src/configs/projects/train/actionbench/{ego4d,ssv2}/KP-Perceiver-VTC.yaml (the same for both domains).
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper.py", "../../_base_/models/patch_and_fuse.py"]
model = dict(objectives=("vtc",))
train_cfg = dict(max_epochs=1)  # max_epoch: 1 (actionbench/ssv2/KP-Perceiver-VTC.yaml)
train_dataloader = dict(batch_size=32)  # batch_size_train: 32 (actionbench/ssv2/KP-Perceiver-VTC.yaml)
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, weight_decay (same file)
