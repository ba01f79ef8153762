# Table 3, KP-Transformer FT [VTC], paper profile: the ActionBench KP-Transformer [VTC] fine-tuned with the QA loss.
# Official values: MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/nextqa/KP-Perceiver-FT-VTC.yaml
# with its KP-Transformer model section.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper_nextqa.py",
          "../../_base_/models/patch_and_fuse.py"]
model = dict(patcher=dict(_delete_=True, type="transformer", heads=8), stage="patcher_finetune",
             objectives=("mcqa",))
max_epochs = 5  # max_epoch: 5 (nextqa/KP-Perceiver-FT-VTC.yaml)
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=True, begin=0, end=max_epochs, eta_min=0.0)]
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, min_lr 0, weight_decay (same file)
