# KP-Transformer for the tiny backbones of the synthetic profile: 4 heads (the table plan sets `ffn_dim` per
# backbone). No dropout: on CPU, attention dropout sends scaled_dot_product_attention down its slow path (measured:
# a training step 4x slower at batch 32 x 136 tokens), and these runs are short enough not to need it.
_base_ = ["./patch_and_fuse_tiny.py"]
model = dict(patcher=dict(_delete_=True, type="transformer", heads=4, dropout=0.0))
