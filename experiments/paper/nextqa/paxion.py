# Table 3, PAXION [VTC+DVDM], paper profile: Knowledge Fuser and the NExT-QA DVDM patcher trained jointly with the
# QA loss. Official values: MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/nextqa/Patch_and_Fuse.yaml.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper_nextqa.py",
          "../../_base_/models/patch_and_fuse.py"]
# if_add_temporal_emebdding: False, temp_emb_drop_out: 0.0 (nextqa/Patch_and_Fuse.yaml)
model = dict(patcher=dict(temporal_embedding=False, temporal_dropout=0.0), stage="patch_and_fuse",
             objectives=("mcqa",))
max_epochs = 4  # max_epoch: 4 (nextqa/Patch_and_Fuse.yaml)
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=True, begin=0, end=max_epochs, eta_min=0.0)]
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, min_lr 0, weight_decay (same file)
