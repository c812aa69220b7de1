from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.story import StoryRecord, play
from samenspraak.application.templates import TEMPLATES_VARIABLE


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(str(tmp_path / "samenspraak.db"))
    yield engine
    engine.close()


@pytest.fixture
def story(tmp_path: Path) -> Iterator[tuple[Samenspraak, StoryRecord, Path]]:
    """The whole city-centre story, played into a SQLite file."""
    db = tmp_path / "story.db"
    engine = Samenspraak.open(str(db))
    record = play(engine, say=lambda line: None)
    yield engine, record, db
    engine.close()


@pytest.fixture(autouse=True)
def _no_templates_folder_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed templates are the built-in ones unless a test names a folder."""
    monkeypatch.delenv(TEMPLATES_VARIABLE, raising=False)
