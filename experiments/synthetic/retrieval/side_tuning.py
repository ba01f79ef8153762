# Table 2, Side-Tuning [VTC+DVDM]: the DVDM patcher as the side network, σ(α)-mixed with the backbone feature.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="side_tuning", objectives=("vtc",))
