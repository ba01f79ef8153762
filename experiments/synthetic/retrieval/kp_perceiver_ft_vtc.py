# Table 2, KP-Perceiver FT [VTC]: the KP-Perceiver [VTC] patcher fine-tuned with VTC on the retrieval texts.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="patcher_finetune", objectives=("vtc",))
