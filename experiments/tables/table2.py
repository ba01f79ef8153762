# Table 2, downstream retrieval on InternVideo. Each trained row fine-tunes a patcher (`init`: the config that
# trains it and the data set it is trained on, as in Table 1) on the SSv2 training videos twice: with label texts
# (evaluated on SSv2-label) and with template texts (evaluated on SSv2-template and, zero-shot, on Temporal-SSv2), as
# the released configs do.
table = "retrieval"
backbones = ["internvideo"]
rows = {
    "Backbone": None,
    "KP-Transformer FT [VTC]": dict(config="retrieval/kp_transformer_ft_vtc.py",
                                     init=("actionbench/kp_transformer_vtc.py", "ssv2_train")),
    "KP-Perceiver FT [VTC]": dict(config="retrieval/kp_perceiver_ft_vtc.py",
                                   init=("actionbench/kp_perceiver_vtc.py", "ssv2_train")),
    "Side-Tuning [VTC+DVDM]": dict(config="retrieval/side_tuning.py",
                                    init=("actionbench/kp_perceiver_vtc_dvdm.py", "ssv2_train")),
    "PAXION [VTC+DVDM]": dict(config="retrieval/paxion.py",
                               init=("actionbench/kp_perceiver_vtc_dvdm.py", "ssv2_train")),
}
