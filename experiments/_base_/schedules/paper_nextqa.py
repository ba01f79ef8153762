# The paper's NExT-QA schedule: batch 16 per GPU (every released NExT-QA training config) on top of paper.py. Rows
# set their epochs E and the released linear_warmup_cosine_lr (no warm-up, min_lr 0, set once per epoch), which is
# mmengine's epoch-wise CosineAnnealingLR: lr of epoch e = 1e-5 * (1 + cos(pi * e / E)) / 2.
_base_ = ["./paper.py"]
train_dataloader = dict(batch_size=16)  # batch_size_train: 16 (train/downstream_tasks/nextqa/*.yaml)
