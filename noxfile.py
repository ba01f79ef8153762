"""Front door: `nox -s tests`, `nox -s reproduce_table2`, `nox -s benchmark`, ...

Every session runs in ONE shared virtual environment, `.nox/paxion-env` (torch alone is ~1 GB and a minute to
install, so one environment per session would be wasteful). The environment is (re)installed only when an input
of the install changes (constraints, any pyproject.toml, the test plugins); a second `nox -s tests` starts in
seconds. Delete `.nox/paxion-env` to force a fresh install.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
ENV_DIR = ROOT / ".nox" / "paxion-env"
CONSTRAINTS = ROOT / "constraints.txt"
STAMP = ENV_DIR / ".paxion-install-stamp"

# Editable installs of the monorepo, the test plugins and the tools the sessions need.
PACKAGES = [
    "-e", "packages/paxion-core",
    "-e", "packages/paxion-backbones[internvideo,clipvip,singularity]",
    "-e", "packages/paxion-eval[plots]",
]
TEST_PLUGINS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "plugins").glob("*")
                      if (p / "pyproject.toml").exists())
TOOLS = ["pytest>=8", "pytest-benchmark>=4", "ruff"]

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "none"


def _install_inputs() -> str:
    """Hash of everything that decides what the environment contains."""
    digest = hashlib.sha256()
    files = [CONSTRAINTS, ROOT / "noxfile.py", *sorted(ROOT.glob("packages/*/pyproject.toml"))]
    files += [ROOT / p / "pyproject.toml" for p in TEST_PLUGINS]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _env(session: nox.Session) -> Path:
    """Create or reuse the shared environment; return its python."""
    python = ENV_DIR / "bin" / "python"
    wanted = _install_inputs()
    if python.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        session.log(f"reusing {ENV_DIR} (install inputs unchanged)")
        return python
    if not python.exists():
        session.run(sys.executable, "-m", "venv", str(ENV_DIR), external=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS)]
    session.run(*pip, "--upgrade", "pip", "setuptools<81", "wheel", external=True)
    session.run(*pip, "torch==2.13.0", external=True)  # first and alone: a CPU build from the constraints pin
    session.run(*pip, *PACKAGES, *[arg for p in TEST_PLUGINS for arg in ("-e", p)], *TOOLS, external=True)
    STAMP.write_text(wanted)
    return python


def _run(session: nox.Session, *args: str) -> None:
    python = _env(session)
    env = {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(os.cpu_count() or 2))}
    session.run(str(python), *args, external=True, env=env)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (benchmarks excluded). Extra arguments go to pytest: `nox -s tests -- -k patcher`."""
    _run(session, "-m", "pytest", "tests", "--ignore=tests/benchmarks", *session.posargs)


def _reproduce(session: nox.Session, table: str) -> None:
    """`paxion reproduce TABLE`; default profile synthetic at scale default. Extra arguments go to the command:
    `nox -s reproduce_table2 -- --profile paper --data-root DATA --checkpoints CKPTS`."""
    _run(session, "-m", "paxion_eval.cli", "reproduce", table, *session.posargs)


@nox.session
def reproduce_table1(session: nox.Session) -> None:
    """Table 1 (ActionBench): every backbone, Backbone / KP-Transformer / KP-Perceiver [VTC] / [VTC+DVDM]."""
    _reproduce(session, "table1")


@nox.session
def reproduce_table2(session: nox.Session) -> None:
    """Table 2 (retrieval on InternVideo): SSv2-label, SSv2-template, Temporal-SSv2."""
    _reproduce(session, "table2")


@nox.session
def reproduce_table3(session: nox.Session) -> None:
    """Table 3 (NExT-QA on InternVideo): C / T / D / all and the hard subset."""
    _reproduce(session, "table3")


@nox.session
def reproduce(session: nox.Session) -> None:
    """All three tables."""
    _reproduce(session, "all")


@nox.session
def train(session: nox.Session) -> None:
    """`paxion train CONFIG [...]`: one mmengine training run (`nox -s train -- experiments/...py`)."""
    _run(session, "-m", "paxion_eval.cli", "train", *session.posargs)


@nox.session
def benchmark(session: nox.Session) -> None:
    """pytest-benchmark suite in tests/benchmarks; writes results/benchmarks/."""
    _run(session, "-m", "pytest", "tests/benchmarks", "--benchmark-only", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the repository."""
    _run(session, "-m", "ruff", "check", ".")
