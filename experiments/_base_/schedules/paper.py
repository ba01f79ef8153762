# The paper's schedule (DESIGN §3): AdamW lr 1e-5, weight decay 0.05, one epoch, batch 32 per GPU x 2 GPUs.
# The official linear-warmup-cosine schedule steps once per epoch, so within the single epoch the lr is constant.
train_cfg = dict(type="EpochBasedTrainLoop", max_epochs=1)
optim_wrapper = dict(type="OptimWrapper", optimizer=dict(type="AdamW", lr=1e-5, weight_decay=0.05))
param_scheduler = [dict(type="ConstantLR", factor=1.0, by_epoch=True, begin=0, end=1)]
train_dataloader = dict(batch_size=32, num_workers=4, sampler=dict(type="DefaultSampler", shuffle=True),
                        collate_fn=dict(type="paxion.collate"), persistent_workers=True)
