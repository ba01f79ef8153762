"""Backbones arrive as pluggy plugins (entry-point group `paxion.backbones`).

A plugin is a module with a `register_backbones(register)` hook implementation::

    from paxion_core import hookimpl

    @hookimpl
    def register_backbones(register):
        register("my-backbone", "my_pkg.model:build_my_backbone",
                 requires=("ftfy",), install="pip install 'my-pkg[extra]'")

The factory may be a callable or a lazy "module:attribute" string; keep the plugin module free of optional imports
so that a missing extra shows up as an *unavailable* backbone with its install hint instead of breaking discovery.
Set `PAXION_PLUGINS=name1,name2` to load only those plugins (entry-point names).
"""

from __future__ import annotations

import importlib
import importlib.metadata as md
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

PROJECT = "paxion"
ENTRY_POINT_GROUP = "paxion.backbones"
PLUGINS_ENV = "PAXION_PLUGINS"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class BackboneHookSpecs:
    @hookspec
    def register_backbones(self, register: Callable[..., None]) -> None:
        """Register backbones: call `register(name, factory, *, requires=(), install=None, description="",
        defaults=None)` once per backbone name."""


@dataclass
class BackboneSpec:
    """One registered backbone name."""

    name: str
    factory: Callable[..., Any] | str
    plugin: str
    distribution: str | None = None
    requires: tuple[str, ...] = ()
    install: str | None = None
    description: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """Import names in `requires` that cannot be found."""
        return [mod for mod in self.requires if importlib.util.find_spec(mod) is None]

    @property
    def available(self) -> bool:
        return not self.missing

    @property
    def hint(self) -> str | None:
        """What fixes an unavailable backbone, or None when it is available."""
        if self.available:
            return None
        how = self.install or f"pip install {' '.join(self.missing)}"
        return f"{self.name} needs {', '.join(self.missing)}: {how}"

    def resolve_factory(self) -> Callable[..., Any]:
        if callable(self.factory):
            return self.factory
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)


@dataclass
class BrokenPlugin:
    """An entry point that could not even be imported."""

    plugin: str
    distribution: str | None
    error: str


class BackboneUnavailableError(ImportError):
    pass


class PluginManager:
    """Loads backbone plugins from entry points (and any registered by hand) and indexes their backbones."""

    def __init__(self, load_entry_points: bool = True):
        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(BackboneHookSpecs)
        self._dists: dict[str, str | None] = {}
        self.broken: list[BrokenPlugin] = []
        self._specs: dict[str, BackboneSpec] | None = None
        if load_entry_points:
            self.load_entry_points()

    def load_entry_points(self) -> None:
        only = _plugin_filter()
        for ep in md.entry_points(group=ENTRY_POINT_GROUP):
            if only is not None and ep.name not in only:
                continue
            if self._pm.has_plugin(ep.name):
                continue
            dist = ep.dist.name if ep.dist is not None else None
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken plugin must not take the others down
                self.broken.append(BrokenPlugin(ep.name, dist, f"{type(exc).__name__}: {exc}"))
                continue
            self.register(plugin, name=ep.name, distribution=dist)

    def register(self, plugin: object, name: str, distribution: str | None = None) -> None:
        self._pm.register(plugin, name=name)
        self._dists[name] = distribution
        self._specs = None

    def unregister(self, name: str) -> None:
        self._pm.unregister(name=name)
        self._specs = None

    @property
    def specs(self) -> dict[str, BackboneSpec]:
        if self._specs is None:
            self._specs = self._collect()
        return self._specs

    def _collect(self) -> dict[str, BackboneSpec]:
        specs: dict[str, BackboneSpec] = {}
        for impl in self._pm.hook.register_backbones.get_hookimpls():
            plugin_name = self._pm.get_name(impl.plugin)

            def register(name: str, factory: Callable[..., Any] | str, *, requires: Sequence[str] = (),
                         install: str | None = None, description: str = "", defaults: dict | None = None,
                         _plugin: str = plugin_name) -> None:
                if name in specs:
                    raise ValueError(f"backbone {name!r} registered twice: by plugin {specs[name].plugin!r} "
                                     f"and by {_plugin!r}")
                specs[name] = BackboneSpec(name, factory, _plugin, self._dists.get(_plugin), tuple(requires),
                                           install, description, dict(defaults or {}))

            impl.function(register=register)
        return specs


_manager: PluginManager | None = None
_lock = threading.Lock()


def _plugin_filter() -> set[str] | None:
    raw = os.environ.get(PLUGINS_ENV)
    if raw is None:
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def get_plugin_manager(reload: bool = False) -> PluginManager:
    """The process-wide plugin manager (entry points loaded once; `reload=True` re-reads them and the env var)."""
    global _manager
    with _lock:
        if _manager is None or reload:
            _manager = PluginManager()
        return _manager


def list_backbones() -> list[BackboneSpec]:
    """Every registered backbone, sorted by name: `.name`, `.plugin`, `.distribution`, `.available`, `.hint`."""
    return sorted(get_plugin_manager().specs.values(), key=lambda s: s.name)


def build_backbone(name: str, **overrides: Any):
    """Build backbone `name` with its registered defaults updated by `overrides`."""
    specs = get_plugin_manager().specs
    if name not in specs:
        known = ", ".join(sorted(specs)) or "none"
        broken = "".join(f"\n  plugin {b.plugin!r} failed to load: {b.error}" for b in get_plugin_manager().broken)
        raise KeyError(f"unknown backbone {name!r}; registered: {known}{broken}\n"
                       f"(is {PLUGINS_ENV} restricting the plugins? current value: {os.environ.get(PLUGINS_ENV)!r})")
    spec = specs[name]
    if not spec.available:
        raise BackboneUnavailableError(spec.hint)
    return spec.resolve_factory()(**{**spec.defaults, **overrides})
