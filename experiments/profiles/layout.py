# The official data layout (MikeWangWZHL/Paxion dataset cards), relative to the data root. The synthetic world
# writes exactly this layout, so both profiles read their data through the same loaders.
_videos = "datasets/{dataset}/video_clips/{folder}_downsampled_5fps_downsized_{size}x{size}"
data = dict(
    ssv2=dict(
        videos=_videos.format(dataset="SSv2", folder="clips", size="{size}"),
        train="ActionBench/ssv2/shuffled_object_and_action_antonyms/train.json",
        val="ActionBench/ssv2/shuffled_object_and_action_antonyms/validation.json",
        salient_train="ActionBench/ssv2/shuffled_object_and_action_antonyms/state_change_heavy_instance_filtering_train.json",
    ),
    ego4d=dict(
        videos=_videos.format(dataset="Ego4D", folder="clips", size="{size}"),
        train="ActionBench/ego4d/egoclip_subset_action_antonyms_train_val_test_split/train.jsonl",
        val="ActionBench/ego4d/egoclip_subset_action_antonyms_object_shuffled_train_val_test_split/val.jsonl",
        salient_train="ActionBench/ego4d/egoclip_subset_action_antonyms_train_val_test_split/state_change_heavy_instance_filtering_train.json",
    ),
    retrieval=dict(
        label_val="datasets/SSv2/ssv2_label_ssv2_template/ssv2_ret_label_val_small.json",
        template_val="datasets/SSv2/ssv2_label_ssv2_template/ssv2_ret_template_val_small.json",
        temporal_val="datasets/Temporal/ann/val-v1.0-2.4k.csv",
    ),
    nextqa=dict(
        videos=_videos.format(dataset="NextQA", folder="NExTVideo", size="{size}"),
        train="datasets/NextQA/ann/nextqa_action_antonym/train.csv",
        val="datasets/NextQA/ann/nextqa/val.csv",
        video_map="datasets/NextQA/ann/nextqa/map_vid_vidorID.json",
        atp_hard="datasets/NextQA/ann/atp-hard-ct4.txt",
    ),
)
