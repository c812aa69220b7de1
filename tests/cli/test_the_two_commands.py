"""``python3 tasks.py demo``, the first command the README gives, ends by saying how to
run the command it installed: the demo's own hints write it as ``samenspraak``,
which is on no PATH until the environment is activated."""

from __future__ import annotations

import importlib.util
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
