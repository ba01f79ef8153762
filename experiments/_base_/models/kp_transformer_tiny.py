# KP-Transformer for the tiny backbones of the synthetic profile: 4 heads (the table plan sets `ffn_dim` per
# backbone). No dropout: on CPU, attention dropout sends scaled_dot_product_attention down its slow path (measured
# at batch 32 x 136 tokens: the attention forward 40 ms instead of 8.5 ms, the whole layer's forward 72 ms), and
# these runs are short enough not to need it.
_base_ = ["./patch_and_fuse_tiny.py"]
model = dict(patcher=dict(_delete_=True, type="transformer", heads=4, dropout=0.0))
