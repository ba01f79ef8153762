# Table 1, ActionBench: every backbone x domain x patcher row. Rows name the config that trains the patcher on the
# domain's ActionBench train split (None: the frozen backbone itself). Paths are relative to experiments/<profile>/.
table = "actionbench"
backbones = ["internvideo", "clipvip", "singularity"]
domains = ["ego4d", "ssv2"]
rows = {
    "Backbone": None,
    "KP-Transformer [VTC]": "actionbench/kp_transformer_vtc.py",
    "KP-Perceiver [VTC]": "actionbench/kp_perceiver_vtc.py",
    "KP-Perceiver [VTC+DVDM]": "actionbench/kp_perceiver_vtc_dvdm.py",
}
