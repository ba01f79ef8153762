# Table 1, KP-Transformer [VTC], paper profile (`ffn_dim` is set per backbone by the table plan). Official values:
# MikeWangWZHL/Paxion src/configs/projects/train/actionbench/{ego4d,ssv2}/KP-Transformer-VTC.yaml.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper.py", "../../_base_/models/patch_and_fuse.py"]
model = dict(patcher=dict(_delete_=True, type="transformer", heads=8), objectives=("vtc",))
train_cfg = dict(max_epochs=1)  # max_epoch: 1 (actionbench/ssv2/KP-Transformer-VTC.yaml)
train_dataloader = dict(batch_size=8)  # batch_size_train: 8, not 32 (actionbench/ssv2/KP-Transformer-VTC.yaml)
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, weight_decay (same file)
