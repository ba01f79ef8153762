"""Determinism, content-hash caching, scale configuration and the `paxion world` command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from paxion_eval import cli
from paxion_eval.world import SCALES, WorldInfo, generate_world, resolve_config
from paxion_eval.world import cli as world_cli
from paxion_eval.world import generate as generate_module
from paxion_eval.world.video import write_video

# a world small enough to generate twice in a test (about a hundred clips)
TINY = {
    "splits": {"ssv2": {"train": 24, "val": 20, "test": 4}, "ego4d": {"train": 16, "val": 8, "test": 4},
               "nextqa": {"train": 6, "val": 6, "test": 2}},
    "retrieval_val_videos": 10,
    "temporal_videos_per_text": 1,
}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_same_hash_and_identical_files(tmp_path: Path) -> None:
    first = generate_world(tmp_path / "a", "ci", seed=3, progress=False, overrides=TINY, workers=1)
    second = generate_world(tmp_path / "b", "ci", seed=3, progress=False, overrides=TINY, workers=2)
    assert first.content_hash == second.content_hash
    assert not first.cached and not second.cached
    files_a, files_b = _tree(first.root), _tree(second.root)
    assert files_a.keys() == files_b.keys()
    assert len([name for name in files_a if name.endswith(".mp4")]) == 24 + 20 + 4 + 16 + 8 + 4 + 6 + 6 + 2
    different = [name for name in files_a if files_a[name] != files_b[name]]
    assert different == []  # annotation files and video bytes alike, whatever the number of workers


def test_another_seed_gives_another_world(tmp_path: Path) -> None:
    first = generate_world(tmp_path, "ci", seed=3, progress=False, overrides=TINY)
    second = generate_world(tmp_path, "ci", seed=4, progress=False, overrides=TINY)
    assert first.content_hash != second.content_hash and first.root != second.root
    assert first.path("ssv2/train").read_bytes() != second.path("ssv2/train").read_bytes()


def test_second_call_is_a_cache_hit(ci_world: WorldInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached world was generated again")

    monkeypatch.setattr(generate_module, "_plan", must_not_run)
    monkeypatch.setattr(generate_module, "render_and_write", must_not_run)
    again = generate_world(ci_world.root.parent, "ci", seed=0, progress=False)
    assert again.cached and not ci_world.cached
    assert again.root == ci_world.root and again.content_hash == ci_world.content_hash
    assert again.files == ci_world.files and again.counts == ci_world.counts


def test_incomplete_world_folder_is_regenerated(tmp_path: Path) -> None:
    world = generate_world(tmp_path, "ci", seed=5, progress=False, overrides=TINY)
    world.path("manifest").unlink()  # as if an older run died before finishing
    again = generate_world(tmp_path, "ci", seed=5, progress=False, overrides=TINY)
    assert not again.cached and again.root == world.root and again.path("manifest").is_file()


def test_manifest_describes_the_world(ci_world: WorldInfo) -> None:
    manifest = json.loads(ci_world.path("manifest").read_text())
    assert manifest["content_hash"] == ci_world.content_hash
    assert ci_world.root.name == f"ci-{ci_world.content_hash[:16]}"
    assert manifest["config"] == resolve_config("ci") and manifest["seed"] == 0
    assert all((ci_world.root / relative).exists() for relative in manifest["files"].values())
    splits = resolve_config("ci")["splits"]
    for domain in ("ssv2", "ego4d", "nextqa"):
        assert ci_world.counts[f"{domain}/videos"] == sum(splits[domain].values())
        assert len(list(ci_world.path(f"{domain}/videos").rglob("*.mp4"))) == sum(splits[domain].values())


def test_scales_grow_and_default_matches_the_brief() -> None:
    totals = {scale: sum(sum(d.values()) for d in resolve_config(scale)["splits"].values()) for scale in SCALES}
    assert totals["ci"] < totals["default"] < totals["large"]
    default = resolve_config("default")
    assert default["splits"]["ssv2"]["train"] == 4000 and default["splits"]["ssv2"]["val"] == 800
    assert default["image_size"] == 32 and default["fps"] == 5 and default["num_frames"] == [8, 16]


def test_bad_settings_are_reported_clearly() -> None:
    with pytest.raises(ValueError, match="unknown world scale 'huge'.*'ci'"):
        resolve_config("huge")
    with pytest.raises(ValueError, match=r"unknown world setting 'splits\.ssv2\.dev'.*'train'"):
        resolve_config("ci", {"splits": {"ssv2": {"dev": 3}}})
    with pytest.raises(ValueError, match="image_size"):
        resolve_config("ci", {"image_size": 31})


def test_cli_reports_where_the_world_is(ci_world: WorldInfo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.COMMANDS["world"] == world_cli.__name__ and world_cli.HELP
    assert world_cli._SCALES == tuple(SCALES)
    parser = argparse.ArgumentParser(prog="paxion world")
    world_cli.add_arguments(parser)
    code = world_cli.run(parser.parse_args(["--scale", "ci", "--out", str(ci_world.root.parent), "--quiet"]))
    out = capsys.readouterr().out
    assert code == 0
    assert "found cached" in out and str(ci_world.root) in out
    assert "ActionBench/ssv2/shuffled_object_and_action_antonyms/train.json" in out
    assert f"videos: {ci_world.counts['videos']}" in out


def test_package_exports_resolve() -> None:
    import paxion_eval.world as world

    assert sorted(world.__all__) == sorted(world._EXPORTS)
    assert all(getattr(world, name) is not None for name in world.__all__)
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        world.missing  # noqa: B018


@pytest.mark.parametrize("codec", ["mpeg4", "libx264"])
def test_videos_are_intra_coded_and_decord_reads_them(tmp_path: Path, codec: str) -> None:
    import av
    import decord
    import numpy as np

    frames = np.random.default_rng(0).integers(0, 256, size=(9, 32, 32, 3), dtype=np.uint8)
    path = tmp_path / f"{codec}.mp4"
    write_video(path, frames, fps=5, codec=codec)
    with av.open(str(path)) as container:
        keyframes = [packet.is_keyframe for packet in container.demux(video=0) if packet.size]
    assert keyframes == [True] * 9  # no frame is coded from another: coding is the same forwards and backwards
    reader = decord.VideoReader(str(path), num_threads=1)
    assert len(reader) == 9 and reader.get_avg_fps() == 5
    assert reader.get_batch(list(range(9))).asnumpy().shape == (9, 32, 32, 3)
    with pytest.raises(RuntimeError, match="no 'nocodec' encoder"):
        write_video(path, frames, fps=5, codec="nocodec")


def test_failed_generation_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(generate_module, "_write_nextqa", broken)
    with pytest.raises(OSError, match="disk full"):
        generate_world(tmp_path, "ci", seed=6, progress=False, overrides=TINY)
    assert list(tmp_path.iterdir()) == []
