# Synthetic profile: what makes the tiny models converge in CPU minutes (not the paper's values).
# AdamW with cosine decay over a fixed number of iterations; batch 32; cached backbone features.
train_cfg = dict(type="IterBasedTrainLoop", max_iters=1500)
optim_wrapper = dict(type="OptimWrapper", optimizer=dict(type="AdamW", lr=1e-3, weight_decay=0.05))
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=1500, eta_min=1e-5)]
train_dataloader = dict(batch_size=32, num_workers=0, sampler=dict(type="InfiniteSampler", shuffle=True),
                        collate_fn=dict(type="paxion.collate"))
