# Table 2, KP-Perceiver FT [VTC], paper profile. Official values: MikeWangWZHL/Paxion
# src/configs/projects/train/downstream_tasks/ssv2_{label,template}/KP-Perceiver-FT-VTC.yaml (the same for both).
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper.py", "../../_base_/models/patch_and_fuse.py"]
model = dict(stage="patcher_finetune", objectives=("vtc",))
train_cfg = dict(max_epochs=1)  # max_epoch: 1 (downstream_tasks/ssv2_label/KP-Perceiver-FT-VTC.yaml)
train_dataloader = dict(batch_size=32)  # batch_size_train: 32 (downstream_tasks/ssv2_label/KP-Perceiver-FT-VTC.yaml)
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, weight_decay (same file)
