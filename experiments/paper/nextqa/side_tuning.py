# Table 3, Side-Tuning [VTC+DVDM], paper profile: side-tuning fuser over the NExT-QA DVDM patcher, QA loss.
# Official values: MikeWangWZHL/Paxion src/configs/projects/train/downstream_tasks/nextqa/Side_Tuning.yaml, the same
# as its Patch_and_Fuse.yaml (4 epochs, no temporal embedding, lr 1e-5, weight decay 0.05), so only the stage differs.
_base_ = ["./paxion.py"]
model = dict(stage="side_tuning")
