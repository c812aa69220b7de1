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
