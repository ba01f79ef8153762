# Table 1, KP-Transformer [VTC], synthetic profile: one TransformerEncoderLayer over all tokens, mean-pooled,
# through the backbone's visual projection (`ffn_dim` is set per backbone by the table plan).
_base_ = ["../../_base_/runtime.py", "../../_base_/schedules/synthetic.py",
          "../../_base_/models/kp_transformer_tiny.py"]
model = dict(objectives=("vtc",))
