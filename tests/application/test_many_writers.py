"""Many processes writing to the same SQLite file, to the same plan, at the same
moment: each waits its turn for the file and retries when another came first, so
every one of them is recorded."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from samenspraak.application import Samenspraak, SamenspraakError
from samenspraak.application.story import play

ThreadedReactions = Callable[[Samenspraak], list[str]]

WRITERS = 10

REACT_AT = """
import json, sys, time
from samenspraak.application import Samenspraak, SamenspraakError
db, start, n = sys.argv[1], float(sys.argv[2]), sys.argv[3]
app = Samenspraak.open(db, create=False)
time.sleep(max(0.0, start - time.time()))  # all at once
try:
    number = app.react_to_plan({
        "actor": "library", "initiative": "city-centre", "plan": "benches",
        "version": 1, "stance": "support", "text": f"Reaction {n}",
    })
    print(json.dumps({"number": number}))
except SamenspraakError as refused:
    print(json.dumps({"refused": str(refused)}))
finally:
    app.close()
"""


def test_ten_processes_reacting_to_one_plan_at_once_are_all_recorded(
    tmp_path: Path,
) -> None:
    db = tmp_path / "busy.db"
    app = Samenspraak.open(db)
    try:
        play(app, say=lambda line: None)
        app.create_plan({"actor": "bakery", "initiative": "city-centre",
                         "plan": "benches", "title": "Benches",
                         "group": "steering-group"})  # fmt: skip
        app.propose_draft({"actor": "bakery", "initiative": "city-centre",
                           "plan": "benches", "text": "Benches on the square.",
                           "changes": "First."})  # fmt: skip
    finally:
        app.close()

    start = time.time() + 3  # after every process has started and opened the file
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", REACT_AT, str(db), str(start), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    results = [json.loads(w.communicate(timeout=120)[0]) for w in writers]

    assert [r for r in results if "refused" in r] == []
    assert sorted(r["number"] for r in results) == list(range(1, WRITERS + 1))
    app = Samenspraak.open(db, create=False)
    try:
        plan = app.plan_details("city-centre", "benches")
        assert len(plan.reactions) == WRITERS
        assert app.verify_audit().intact
    finally:
        app.close()


def test_threads_sharing_one_instance_are_all_recorded_and_chained(
    story: tuple[Samenspraak, object, Path], react_from_threads: ThreadedReactions
) -> None:
    app, _, _ = story
    refused = react_from_threads(app)
    # Under heavy load a command may collide eight times and say so; nothing else
    # goes wrong, and every other reaction is recorded.
    assert set(refused) <= {
        "Others changed the same record at the same moment; gave up after 8 tries. "
        "Please try again."
    }
    assert len(refused) < 40  # most are recorded, even under load
    assert len(app.plan_details("city-centre", "benches").reactions) == 80 - len(
        refused
    )
    assert app.verify_audit().intact


def test_readers_wait_while_a_rebuild_empties_and_fills_the_views(
    story: tuple[Samenspraak, object, Path],
) -> None:
    """A rebuild runs alone: threads reading the same instance meanwhile wait for
    it, and never see the views half built."""
    app, _, _ = story
    expected = app.initiative_status("city-centre")
    problems: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                if app.initiative_status("city-centre") != expected:
                    problems.append("a different status")
            except SamenspraakError as error:
                problems.append(str(error))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(15):
            app.rebuild_projections()
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert problems == []


REBUILD_FOR = """
import sys, time
from samenspraak.application import Samenspraak
app = Samenspraak.open(sys.argv[1], create=False)
end, rebuilds = time.time() + float(sys.argv[2]), 0
while time.time() < end:
    app.rebuild_projections()
    rebuilds += 1
app.close()
print(rebuilds)
"""


def test_readers_in_other_processes_see_whole_views_while_one_is_rebuilt(
    tmp_path: Path,
) -> None:
    """A rebuild is one transaction: another process reading meanwhile sees the
    views as they were, whole, never emptied."""
    db = tmp_path / "rebuilt.db"
    app = Samenspraak.open(db)
    try:
        play(app, say=lambda line: None)
        app.catch_up()
        expected = app.initiative_status("city-centre")
        rebuilder = subprocess.Popen(
            [sys.executable, "-c", REBUILD_FOR, str(db), "3"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        problems: list[str] = []
        reads = 0
        while rebuilder.poll() is None:
            try:
                if app.initiative_status("city-centre") != expected:
                    problems.append("a different status")
                reads += 1
            except SamenspraakError as error:
                problems.append(str(error))
        out, err = rebuilder.communicate()
    finally:
        app.close()
    assert int(out) > 1, err
    assert reads > 1
    assert problems == []


OPEN_AT = """
import sys, time
from samenspraak.application import Samenspraak, SamenspraakError
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))  # all at once
try:
    Samenspraak.open(sys.argv[1]).close()
    print("opened")
except SamenspraakError as refused:
    print(f"refused: {refused}")
"""


def test_processes_opening_a_new_file_at_the_same_moment_all_open_it(
    tmp_path: Path,
) -> None:
    """Web workers starting on a fresh deployment all make the record's tables."""
    for round_ in range(3):
        db = tmp_path / f"fresh-{round_}.db"
        start = time.time() + 2  # after every process has started
        openers = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT, str(db), str(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        said = [o.communicate(timeout=120)[0].strip() for o in openers]
        assert said == ["opened"] * 4
        app = Samenspraak.open(db, create=False)
        try:
            app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
            assert app.projections_status()
        finally:
            app.close()


RECORD_FOR = """
import sys, time
from samenspraak.application import Samenspraak
app = Samenspraak.open(sys.argv[1], create=False)
end, n = time.time() + float(sys.argv[2]), 0
while time.time() < end:
    n += 1
    app.start_initiative({"actor": "facilitator", "initiative": f"more-{n}",
                          "title": "More", "description": "D", "area": "A",
                          "budget": "0", "level": "consulting"})
    if n % 2:
        app.catch_up()
app.close()
print(n)
"""


def test_the_views_verify_while_another_process_records_and_catches_up(
    tmp_path: Path,
) -> None:
    """The views are read in one snapshot and built again up to where they stood
    in it: what others record meanwhile is no difference."""
    db = tmp_path / "busy.db"
    app = Samenspraak.open(db)
    try:
        play(app, say=lambda line: None)
        recorder = subprocess.Popen(
            [sys.executable, "-c", RECORD_FOR, str(db), "3"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        found = []
        while recorder.poll() is None:
            found.append(app.verify_projections())
        out, err = recorder.communicate()
        found.append(app.verify_projections())
    finally:
        app.close()
    assert int(out) > 2, err
    assert len(found) > 2
    assert [f.problem for f in found if not f.intact] == []
