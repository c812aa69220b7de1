"""Reading many texts at once: the SQLite store reads a stretch of its table when
the texts asked for lie together, and looks the others up; the answer is the same
as looking every one up."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.persistence import (
    STRETCH_FROM,
    SQLiteSamenspraakRecorder,
    TextRow,
    TextStoreRecorder,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteSamenspraakRecorder]:
    app = Samenspraak.open(str(tmp_path / "texts.db"))
    recorder = app.store
    assert isinstance(recorder, SQLiteSamenspraakRecorder)
    rows = [
        TextRow(f"text-{n:04d}", "initiative", "reaction", f"{n:032x}", f"Body {n}")
        for n in range(600)
    ]
    with recorder.datastore.transaction(commit=True) as c:
        recorder._write_rows(c, rows)
    recorder.erase("nobody", [f"text-{n:04d}" for n in range(100, 110)], "2026-11-27")
    yield recorder
    app.close()


def one_by_one(
    store: SQLiteSamenspraakRecorder, ids: list[str]
) -> list[tuple[str, ...]]:
    return sorted(TextStoreRecorder.select_text_bodies(store, ids))


@pytest.mark.parametrize(
    ("ids", "as_a_stretch"),
    [
        ([f"text-{n:04d}" for n in range(50, 250)], True),  # with erased ones
        ([f"text-{n:04d}" for n in range(50, 250, 2)], True),  # others between
        ([f"text-{n:04d}" for n in range(50, 250, 3)], False),  # too many others
        (
            [
                "text-0000",
                *(f"text-{n:04d}" for n in random.Random(7).sample(range(1, 599), 200)),
                "text-0599",
            ],
            False,
        ),
        ([f"text-{n:04d}" for n in (*range(300, 400), 5, 599)], False),
        ([f"text-{n:04d}" for n in (*range(300, 400), 599, 350)], True),
        (["text-0300", *(f"missing-{n}" for n in range(100)), "text-0301"], True),
        ([f"text-{n:04d}" for n in range(400, 400 + STRETCH_FROM - 1)], False),
    ],
    ids=[
        "in order",
        "every other",
        "every third",
        "shuffled",
        "far apart",
        "one far",
        "missing",
        "few",
    ],
)
def test_many_texts_read_at_once_are_those_looked_up_one_by_one(
    store: SQLiteSamenspraakRecorder,
    ids: list[str],
    as_a_stretch: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statements: list[str] = []
    read = store._read_tuples

    def reading(statement: str, params: Sequence[Any]) -> list[Any]:
        statements.append(statement)
        return read(statement, params)

    monkeypatch.setattr(store, "_read_tuples", reading)
    found = sorted(store.select_text_bodies(ids))
    assert any("BETWEEN" in s for s in statements) == as_a_stretch
    monkeypatch.undo()
    assert found == one_by_one(store, ids)
    erased = {f"text-{n:04d}" for n in range(100, 110)}
    assert {text_id for text_id, *_, body in found if body is None} == erased & set(ids)
    assert {text_id for text_id, *_ in found} <= set(ids)
