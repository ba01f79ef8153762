# Table 3, KP-Perceiver [VTC+DVDM] for NExT-QA, paper profile: QA loss, action-antonym choices as extra candidates.
# Official values: MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/nextqa/KP-Perceiver-VTC-DVDM.yaml.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper_nextqa.py",
          "../../_base_/models/patch_and_fuse.py"]
# if_add_temporal_emebdding: False, temp_emb_drop_out: 0.0 (nextqa/KP-Perceiver-VTC-DVDM.yaml)
model = dict(patcher=dict(temporal_embedding=False, temporal_dropout=0.0), objectives=("mcqa", "vac"))
max_epochs = 1  # max_epoch: 1 (nextqa/KP-Perceiver-VTC-DVDM.yaml)
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=True, begin=0, end=max_epochs, eta_min=0.0)]
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, min_lr 0, weight_decay (same file)
