# Table 3, KP-Transformer FT [VTC]: the KP-Transformer [VTC] patcher fine-tuned with the QA loss.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/kp_transformer_tiny.py"]
model = dict(stage="patcher_finetune", objectives=("mcqa",))
