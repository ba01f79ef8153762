# Table 2, PAXION [VTC+DVDM]: Knowledge Fuser (xattn) and the DVDM patcher trained jointly with VTC, as the
# released Patch_and_Fuse configs do.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic_finetune.py",
          "../../_base_/models/patch_and_fuse_tiny.py"]
model = dict(stage="patch_and_fuse", objectives=("vtc",))
