"""Backbones arrive through the `paxion.backbones` entry point group."""

import importlib.metadata as md

import pytest
import torch

from paxion_core import BackboneUnavailableError, VideoLanguageBackbone, build_backbone, list_backbones
from paxion_core.plugins import PluginManager, get_plugin_manager
from paxion_core.registry import BACKBONES


@pytest.fixture
def fresh_manager(monkeypatch):
    """Re-read entry points and PAXION_PLUGINS for one test, and restore the process-wide manager afterwards."""
    yield lambda: get_plugin_manager(reload=True)
    monkeypatch.delenv("PAXION_PLUGINS", raising=False)
    get_plugin_manager(reload=True)


def test_example_plugin_is_discovered_through_its_entry_point():
    specs = {s.name: s for s in list_backbones()}
    spec = specs["example-vit"]
    assert (spec.plugin, spec.distribution) == ("example", "paxion-backbone-example")
    assert spec.available and spec.hint is None
    backbone = build_backbone("example-vit", width=16)
    assert isinstance(backbone, VideoLanguageBackbone) and backbone.token_dim == 16


def test_missing_dependency_is_listed_with_its_install_hint():
    spec = {s.name: s for s in list_backbones()}["example-fancy"]
    assert not spec.available
    assert spec.missing == ["paxion_example_missing_dep"]
    assert "pip install 'paxion-backbone-example[fancy]'" in spec.hint
    with pytest.raises(BackboneUnavailableError, match=r"paxion-backbone-example\[fancy\]"):
        build_backbone("example-fancy")
    build_backbone("example-vit")  # the plugin's other backbone is unaffected


def test_paxion_plugins_env_restricts_loading(monkeypatch, fresh_manager):
    monkeypatch.setenv("PAXION_PLUGINS", "some-other-plugin")
    fresh_manager()
    assert "example-vit" not in {s.name for s in list_backbones()}
    with pytest.raises(KeyError, match="PAXION_PLUGINS"):
        build_backbone("example-vit")
    monkeypatch.setenv("PAXION_PLUGINS", "example")
    fresh_manager()
    assert {s.plugin for s in list_backbones()} == {"example"}


def test_a_plugin_that_fails_to_import_does_not_break_the_others(monkeypatch):
    good = md.EntryPoint("example", "paxion_backbone_example.plugin", "paxion.backbones")
    broken = md.EntryPoint("broken", "paxion_no_such_module.plugin", "paxion.backbones")
    monkeypatch.setattr(md, "entry_points", lambda group: [broken, good])
    manager = PluginManager()
    assert [b.plugin for b in manager.broken] == ["broken"]
    assert "ModuleNotFoundError" in manager.broken[0].error
    assert "example-vit" in manager.specs


def test_duplicate_backbone_names_are_refused():
    from paxion_core import hookimpl

    class Dup:
        @hookimpl
        def register_backbones(self, register):
            register("example-vit", lambda: None)

    manager = PluginManager()
    manager.register(Dup(), name="dup")
    with pytest.raises(ValueError, match="registered twice"):
        _ = manager.specs


def test_backbones_registry_builds_through_plugins():
    backbone = BACKBONES.build(dict(type="example-vit", embed_dim=8))
    assert backbone.encode_text(["a cat"]).shape == (1, 8)


def test_unknown_backbone_lists_the_known_ones():
    with pytest.raises(KeyError, match="example-vit"):
        build_backbone("no-such-backbone")


def test_toy_backbone_contract(toy_backbone):
    video = torch.randn(2, 8, 3, 16, 16)
    features = toy_backbone.encode_video(video, with_reversed=True)
    naive = toy_backbone.encode_video(video.flip(1))
    assert features.tokens.shape == (2, 8, 4, toy_backbone.token_dim)
    assert torch.allclose(features.reversed.tokens, naive.tokens, atol=1e-5)
    assert torch.allclose(features.reversed.pooled, naive.pooled, atol=1e-5)
    with pytest.raises(ValueError, match=r"\[B, T, 3, H, W\]"):
        toy_backbone.encode_video(torch.randn(8, 3, 16, 16))
