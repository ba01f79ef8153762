# Table 1, KP-Perceiver [VTC], synthetic profile.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(objectives=("vtc",))
