"""Pieces shared by several backbones (the CLIP BPE tokenizer and its vocabulary file)."""
