# Table 3, KP-Perceiver FT [VTC]: the KP-Perceiver [VTC] patcher fine-tuned with the QA loss.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="patcher_finetune", objectives=("mcqa",))
