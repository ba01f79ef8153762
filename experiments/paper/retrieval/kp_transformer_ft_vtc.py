# Table 2, KP-Transformer FT [VTC], paper profile. No retrieval config for it was released: one epoch as every
# released SSv2 retrieval fine-tune, at the batch of the KP-Transformer's own released config.
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/paper.py", "../../_base_/models/patch_and_fuse.py"]
model = dict(patcher=dict(_delete_=True, type="transformer", heads=8), stage="patcher_finetune",
             objectives=("vtc",))
train_cfg = dict(max_epochs=1)  # max_epoch: 1 (downstream_tasks/ssv2_label/KP-Perceiver-FT-VTC.yaml)
train_dataloader = dict(batch_size=8)  # batch_size_train: 8 (actionbench/ssv2/KP-Transformer-VTC.yaml)
optim_wrapper = dict(optimizer=dict(lr=1e-5, weight_decay=0.05))  # init_lr, weight_decay (both files)
