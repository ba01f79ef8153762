# Table 2, PAXION [VTC+DVDM], paper profile: Knowledge Fuser (xattn) and patcher trained jointly. Official values:
# MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/ssv2_{label,template}/Patch_and_Fuse.yaml.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper.py", "../../_base_/models/patch_and_fuse.py"]
model = dict(stage="patch_and_fuse", objectives=("vtc",))
train_cfg = dict(max_epochs=1)  # max_epoch: 1 (downstream_tasks/ssv2_label/Patch_and_Fuse.yaml)
train_dataloader = dict(batch_size=32)  # batch_size_train: 32 (downstream_tasks/ssv2_label/Patch_and_Fuse.yaml)
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, weight_decay (same file)
