# Table 3, PAXION [VTC+DVDM]: Knowledge Fuser and the NExT-QA DVDM patcher trained jointly with the QA loss
# (the released nextqa/Patch_and_Fuse config).
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="patch_and_fuse", objectives=("mcqa",))
