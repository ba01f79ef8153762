"""docs/writing-a-backbone-plugin.md is true.

The tutorial marks each code block with an HTML comment on the line above its opening fence:

- `<!-- run -->`: a Python block executed, with every other such block, in document order in one fresh namespace
  (working directory: the repository root);
- `<!-- file: PATH -->`: the block is the whole file PATH, character for character;
- `<!-- excerpt: PATH -->`: the block is consecutive lines of PATH;
- `<!-- output: [VAR=value ...] paxion ARGS -->`: the block is exactly what that `paxion` command prints.

Unmarked blocks are allowed only for shell commands (```bash). Every repository path the text names must exist.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from paxion_core.plugins import PLUGINS_ENV, get_plugin_manager

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "writing-a-backbone-plugin.md"
MARKER = re.compile(r"^<!-- (run|file|excerpt|output)(?:: (.+?))? -->$")
FENCE = "```"
# A repository path: starts at one of the top-level folders, not inside a longer relative path ("../x").
REPO_PATH = re.compile(r"(?<![\w./-])((?:packages|tests|experiments|docs)/[\w.+-]+(?:/[\w.+-]+)*/?)")


@dataclass
class Block:
    kind: str | None  # run | file | excerpt | output, or None when unmarked
    arg: str | None  # the PATH or COMMAND of the marker
    lang: str
    code: str  # the block's lines, each ending in "\n"
    line: int  # line number (1-based) of the block's first code line in the tutorial

    def __str__(self) -> str:
        return f"{TUTORIAL.name}:{self.line}"


def parse_blocks(text: str) -> list[Block]:
    """Fenced code blocks of `text`, with the marker on the line above each opening fence."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if not lines[i].startswith(FENCE):
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith(FENCE)), None)
        if end is None:
            raise AssertionError(f"{TUTORIAL.name}:{i + 1}: code block is never closed")
        marker = MARKER.match(lines[i - 1]) if i > 0 else None
        code = "".join(line + "\n" for line in lines[i + 1:end])
        blocks.append(Block(marker and marker.group(1), marker and marker.group(2), lines[i][len(FENCE):].strip(),
                            code, i + 2))
        i = end + 1
    return blocks


TEXT = TUTORIAL.read_text()
BLOCKS = parse_blocks(TEXT)


def blocks_of(kind: str) -> list[Block]:
    return [b for b in BLOCKS if b.kind == kind]


@pytest.fixture
def plugin_manager_restored(monkeypatch):
    """Load the plugins afresh (without PAXION_PLUGINS) and restore the process-wide manager afterwards."""
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    get_plugin_manager(reload=True)
    yield
    monkeypatch.delenv(PLUGINS_ENV, raising=False)
    get_plugin_manager(reload=True)


def test_every_block_is_checked_or_a_shell_command():
    unchecked = [f"{b} ({b.lang or 'no language'})" for b in BLOCKS if b.kind is None and b.lang != "bash"]
    assert not unchecked, f"mark these blocks (run / file / excerpt / output) or make them bash: {unchecked}"
    markers = sum(bool(MARKER.match(line)) for line in TEXT.splitlines())
    assert markers == sum(b.kind is not None for b in BLOCKS), "a marker comment is not directly above a code block"


def test_the_example_package_is_quoted_whole():
    quoted = {b.arg for b in blocks_of("file")}
    example = "tests/plugins/paxion-backbone-example"
    assert {f"{example}/pyproject.toml", f"{example}/src/paxion_backbone_example/plugin.py"} <= quoted
    assert f"{example}/src/paxion_backbone_example/model.py" in {b.arg for b in blocks_of("excerpt")}


@pytest.mark.parametrize("block", blocks_of("file"), ids=str)
def test_quoted_file_is_exact(block):
    assert block.code == (ROOT / block.arg).read_text(), f"{block} differs from {block.arg}: quote the file as it is"


@pytest.mark.parametrize("block", blocks_of("excerpt"), ids=str)
def test_excerpt_is_consecutive_lines_of_its_file(block):
    source, quoted = (ROOT / block.arg).read_text().splitlines(), block.code.splitlines()
    starts = [i for i in range(len(source) - len(quoted) + 1) if source[i:i + len(quoted)] == quoted]
    assert starts, f"{block} is not a verbatim run of lines of {block.arg}"


def test_runnable_blocks_pass_in_order(monkeypatch, plugin_manager_restored):
    runnable = blocks_of("run")
    assert len(runnable) >= 6, "the tutorial lost its runnable blocks (is the <!-- run --> marker still spelled so?)"
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "tutorial"}
    for block in runnable:
        # Pad with newlines so a traceback's line numbers are the tutorial's own.
        exec(compile("\n" * (block.line - 1) + block.code, str(TUTORIAL), "exec"), namespace)


@pytest.mark.parametrize("block", blocks_of("output"), ids=str)
def test_shown_output_is_what_the_command_prints(block, monkeypatch, capsys, plugin_manager_restored):
    from paxion_eval.cli import main

    words = shlex.split(block.arg)
    while "=" in words[0]:
        name, _, value = words.pop(0).partition("=")
        monkeypatch.setenv(name, value)
    assert words[0] == "paxion", f"{block}: only `paxion` commands can be checked, got {block.arg!r}"
    get_plugin_manager(reload=True)
    capsys.readouterr()
    assert main(words[1:]) == 0
    assert capsys.readouterr().out == block.code


def test_every_path_named_exists():
    named = {match.rstrip(".,:;") for match in REPO_PATH.findall(TEXT)}
    assert len(named) >= 10, f"expected the tutorial to name the example's files, found only {sorted(named)}"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"the tutorial names paths that do not exist: {missing}"
