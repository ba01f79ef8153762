# Table 3, KP-Perceiver FT [VTC], paper profile: the ActionBench KP-Perceiver [VTC] fine-tuned with the QA loss.
# Official values: MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/nextqa/KP-Perceiver-FT-VTC.yaml.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper_nextqa.py",
          "../../_base_/models/patch_and_fuse.py"]
# The released file turns the temporal embedding off and its loader drops the initial patcher's one (strict=False);
# here the patcher keeps the temporal embedding it was trained with, since `init_from` loads strictly.
model = dict(stage="patcher_finetune", objectives=("mcqa",))
max_epochs = 5  # max_epoch: 5 (nextqa/KP-Perceiver-FT-VTC.yaml)
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=True, begin=0, end=max_epochs, eta_min=0.0)]
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, min_lr 0, weight_decay (same file)
