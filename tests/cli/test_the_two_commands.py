"""``python3 tasks.py demo``, the first command the README gives, ends by saying how to
run the command it installed: the demo's own hints write it as ``samenspraak``,
which is on no PATH until the environment is activated."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
import venv
from pathlib import Path
from types import ModuleType

import pytest

TASKS = Path(__file__).parents[2] / "tasks.py"


def _tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks", TASKS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_task_ends_by_saying_how_to_run_the_command_it_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _tasks()
    ran: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks, "ensure_venv", lambda: None)
    monkeypatch.setattr(tasks, "install", lambda extras="": None)
    monkeypatch.setattr(tasks, "run", lambda *args: ran.append(tuple(map(str, args))))
    monkeypatch.setattr(tasks, "DEMO_DB", tmp_path / "samenspraak-demo.db")

    tasks.demo()

    assert ran[-1][-1] == "demo"
    said = capsys.readouterr().out
    command = Path(".venv", tasks.BIN.name, "samenspraak")
    assert str(command) in said
    assert "activate" in said


def test_the_tasks_say_in_one_sentence_that_an_older_python_will_not_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _tasks()
    monkeypatch.setattr(tasks, "PYTHON", (3, 10, 12))
    monkeypatch.setattr(tasks, "ensure_venv", _must_not_run)
    monkeypatch.setattr(sys, "argv", ["tasks.py", "demo"])

    with pytest.raises(SystemExit) as stopped:
        tasks.main()

    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert said.strip() == (
        "samenspraak needs Python 3.11 or later; this python3 is 3.10.12. "
        "Run the task with a newer one, such as python3.11 tasks.py demo."
    )


def test_a_virtual_environment_that_cannot_be_made_is_named_and_not_left_half_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tasks = _tasks()
    folder = tmp_path / ".venv"
    monkeypatch.setattr(tasks, "VENV", folder)
    monkeypatch.setattr(tasks, "BIN", folder / tasks.BIN.name)

    def without_pip(self: venv.EnvBuilder, env_dir: str) -> None:
        # As where ensurepip is left out of Python (python3-venv on Debian): the
        # folder and its python are made, then pip cannot be put in.
        (Path(env_dir) / tasks.BIN.name).mkdir(parents=True)
        (Path(env_dir) / tasks.BIN.name / "python").touch()
        command = [str(Path(env_dir) / "python"), "-m", "ensurepip"]
        raise subprocess.CalledProcessError(
            1, command, output=b"No module named ensurepip"
        )

    monkeypatch.setattr(venv.EnvBuilder, "create", without_pip)
    monkeypatch.setattr(tasks, "run", _must_not_run)

    with pytest.raises(SystemExit) as stopped:
        tasks.ensure_venv()

    assert stopped.value.code == 1
    said = capsys.readouterr().err
    assert "cannot make a virtual environment with pip in .venv" in said
    assert "python3-venv" in said
    assert "Traceback" not in said
    assert not folder.exists()


def _must_not_run(*args: object) -> None:
    raise AssertionError("ran on")


def test_the_tasks_ask_for_the_python_the_package_requires() -> None:
    project = tomllib.loads((TASKS.parent / "pyproject.toml").read_text("utf-8"))
    needed = ".".join(map(str, _tasks().NEEDED))
    assert project["project"]["requires-python"] == f">={needed}"
