# Table 2, PAXION [VTC+DVDM]: Knowledge Fuser (xattn) and the DVDM patcher trained jointly with VTC, as the
# released Patch_and_Fuse configs do. Twice the fine-tuning steps of the other rows: the fuser starts from scratch
# (the paper's PAXION row also trains more parameters than the patcher-only rows).
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="patch_and_fuse", objectives=("vtc",))
train_cfg = dict(max_iters=1200)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=1200, eta_min=1e-5)]
