# Table 3, Side-Tuning [VTC+DVDM]: side-tuning fuser over the NExT-QA DVDM patcher, QA loss.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="side_tuning", objectives=("mcqa",))
