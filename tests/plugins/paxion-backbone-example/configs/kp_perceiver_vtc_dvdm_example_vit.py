# Table 1's KP-Perceiver [VTC+DVDM] row with the example backbone instead of InternVideo. `_base_` is relative to this
# file: here it reaches the paxion checkout this package sits in; in your own repository, point it at yours.
_base_ = ["../../../../experiments/synthetic/actionbench/kp_perceiver_vtc_dvdm.py"]
# Keys beside `type` are passed to the backbone's factory: the synthetic world's videos are 32 px.
model = dict(backbone=dict(type="example-vit", image_size=32))
