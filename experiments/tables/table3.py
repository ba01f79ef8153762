# Table 3, NExT-QA on InternVideo. VTC rows fine-tune the ActionBench-SSv2 patchers with the multiple-choice loss;
# the [VTC+DVDM] rows start from a patcher trained on NExT-QA itself with the QA loss plus action-antonym choices as
# extra negatives (the released nextqa/KP-Perceiver-VTC-DVDM config), then train the fuser (or side-tuning) jointly.
table = "nextqa"
backbones = ["internvideo"]
rows = {
    "Backbone": None,
    "KP-Transformer FT [VTC]": dict(config="nextqa/kp_transformer_ft_vtc.py",
                                     init=("actionbench/kp_transformer_vtc.py", "ssv2_train")),
    "KP-Perceiver FT [VTC]": dict(config="nextqa/kp_perceiver_ft_vtc.py",
                                   init=("actionbench/kp_perceiver_vtc.py", "ssv2_train")),
    "Side-Tuning [VTC+DVDM]": dict(config="nextqa/side_tuning.py",
                                    init=("nextqa/kp_perceiver_vtc_dvdm.py", "nextqa_train")),
    "PAXION [VTC+DVDM]": dict(config="nextqa/paxion.py",
                               init=("nextqa/kp_perceiver_vtc_dvdm.py", "nextqa_train")),
}
