"""The Python examples of the embedding guide (docs/embedding.md) run as shown, one
after the other in a fresh interpreter, and print what their comments say they
print."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

GUIDE = Path(__file__).parents[2] / "docs" / "embedding.md"

MARK = "=== example "


def _examples() -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


def _runnable(example: str) -> bool:
    """The example for PostgreSQL names a server of its own, which is not there."""
    return "db.example.org" not in example


def _printed(example: str) -> str:
    """What the comments of an example say it prints: the comment on a print call,
    and the comment lines straight after it."""
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(example).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.removeprefix("#").strip()
    lines = example.splitlines()
    said: list[str] = []
    calls = [
        node
        for node in ast.walk(ast.parse(example))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
    ]
    for node in sorted(calls, key=lambda call: call.lineno):
        end = node.end_lineno or node.lineno
        said.extend(comments[n] for n in range(node.lineno, end + 1) if n in comments)
        following = end + 1
        while following <= len(lines) and lines[following - 1].lstrip().startswith("#"):
            said.append(comments[following])
            following += 1
    return " ".join(" ".join(said).split())


def test_every_example_prints_what_its_comments_say(tmp_path: Path) -> None:
    examples = [e for e in _examples() if _runnable(e)]
    assert len(examples) >= 10, "the guide's examples were not found"
    script = "\n".join(
        f"print({MARK + str(i)!r}, flush=True)\n{example}"
        for i, example in enumerate(examples)
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SAMENSPRAAK_")
    }
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    outputs = re.split(rf"^{MARK}\d+\n", completed.stdout, flags=re.M)[1:]
    assert len(outputs) == len(examples)
    for example, output in zip(examples, outputs, strict=True):
        assert " ".join(output.split()) == _printed(example), example


TYPED_USE = """
from pathlib import Path

from samenspraak.application import Samenspraak


def published_and_replayed(app: Samenspraak, folder: Path) -> bool:
    head = app.audit_head("city-centre")
    app.export_initiative("city-centre", folder / "city-centre.zip")
    replayed = Samenspraak.replay(
        folder / "city-centre.zip", folder / "copy.db", head=head
    )
    return app.verify_audit(head, initiative="city-centre").intact and bool(replayed)
"""


def test_the_examples_type_check_strictly_as_an_embedding_program_would(
    tmp_path: Path,
) -> None:
    # A backend's own mypy, in strict mode and without pydantic's plugin: the
    # command models' fields are typed as they are declared (an enumeration, not
    # its value as text), and a head is what audit_head() returns.
    program = tmp_path / "backend.py"
    program.write_text("\n".join([*_examples(), TYPED_USE]), encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini",
         "--cache-dir", str(tmp_path / "cache"), "backend.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout
