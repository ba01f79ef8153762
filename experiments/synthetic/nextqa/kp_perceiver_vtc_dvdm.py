# Table 3, KP-Perceiver [VTC+DVDM] for NExT-QA: QA loss with the action-antonym choices as extra candidates.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(objectives=("mcqa", "vac"))
