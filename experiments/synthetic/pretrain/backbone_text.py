# Synthetic profile, stage 0b: text tuning with the vision side of stage 0 locked. In each step the text tower keeps
# aligning with the frames' relational captions and also learns the language prior real text towers arrive with: a
# paraphrase-contrastive loss on the world's language corpus, each paraphrase's antonym wording a hard negative.
# Measured on the default world (internvideo-tiny): the mean cosine of ActionBench-SSv2 labels and their antonyms,
# 0.98 after stage 0, is 0.60 after this stage (left/right 0.83), while the object words keep their weight
# (object-replaced labels: 0.34). Without the language loss, 1,500 locked-image steps left left/right at 0.96.
_base_ = ["./backbone.py"]
model = dict(trainable="text")
train_dataloader = dict(
    batch_size=128,
    dataset=dict(_delete_=True, type="ZipDataset", datasets=[
        dict(type="FrameCaptionDataset", ann_file="<world>/pretrain/pretrain.jsonl", video_root="<world>",
             num_frames=1, preload=True, transform=dict(image_size=32)),
        dict(type="ParaphraseDataset", ann_file="<world>/pretrain/language.jsonl"),
    ]),
)
train_cfg = dict(max_iters=300)
param_scheduler = [dict(type="CosineAnnealingLR", by_epoch=False, begin=0, end=300, eta_min=1e-5)]
