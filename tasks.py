#!/usr/bin/env python3
"""Set up and run samenspraak with nothing but python3 and pip.

    python3 tasks.py demo    play the city-centre story into samenspraak-demo.db
    python3 tasks.py test    install as a user would, then run every check and test

Each creates (or reuses) a virtual environment in .venv first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
DEMO_DB = ROOT / "samenspraak-demo.db"
PYTHON = tuple(sys.version_info[:3])
NEEDED = (3, 11)  # requires-python in pyproject.toml
PACKAGES = [
    "samenspraak.domain",
    "samenspraak.application",
    "samenspraak.projections",
    "samenspraak.cli",
]


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        print(f"+ creating a virtual environment in {VENV.name}", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as error:
            # A half-made environment (a python without pip) would be taken as made
            # by the next run, and fail there less clearly.
            shutil.rmtree(VENV, ignore_errors=True)
            print(
                f"Error: cannot make a virtual environment with pip in {VENV.name} "
                f"({_reason(error)}). On Debian and Ubuntu, install python3-venv "
                "first (apt install python3-venv); then run the task again.",
                file=sys.stderr,
            )
            sys.exit(1)
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")


def _reason(error: subprocess.CalledProcessError | OSError) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    said = error.output.decode(errors="replace") if error.output else ""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    return lines[-1] if lines else f"{error.cmd[-1]} failed"


def install(extras: str = "") -> None:
    """Install the project as a user does (a regular, not an editable, install)."""
    run(BIN / "python", "-m", "pip", "install", "--quiet", f".{extras}")


def demo() -> None:
    ensure_venv()
    install()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    run(BIN / "samenspraak", "--db", DEMO_DB.name, "demo")
    command = BIN.relative_to(ROOT) / "samenspraak"
    activate = (
        rf"{VENV.name}\Scripts\activate"
        if os.name == "nt"
        else f". {BIN.relative_to(ROOT)}/activate"
    )
    print(
        f"\nThe command is {command}: type it so, or activate the environment "
        f"first ({activate}) to type it as samenspraak, as above."
    )


def test() -> None:
    ensure_venv()
    install("[dev]")
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy", *(arg for p in PACKAGES for arg in ("-p", p)))
    run(BIN / "lint-imports")
    run(
        BIN / "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        *(f"--cov={p}" for p in PACKAGES),
        "--cov-report=term",
    )


def main() -> None:
    tasks = {"demo": demo, "test": test}
    if len(sys.argv) != 2 or sys.argv[1] not in tasks:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    if PYTHON < NEEDED:
        print(
            f"samenspraak needs Python {NEEDED[0]}.{NEEDED[1]} or later; this python3 is "
            f"{'.'.join(map(str, PYTHON))}. Run the task with a newer one, such as "
            f"python{NEEDED[0]}.{NEEDED[1]} tasks.py {sys.argv[1]}.",
            file=sys.stderr,
        )
        sys.exit(1)
    tasks[sys.argv[1]]()


if __name__ == "__main__":
    main()
