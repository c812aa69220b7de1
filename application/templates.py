"""Process templates written as TOML files, validated, and the templates installed.

A template file names the template and its version and declares its phases, in
order. Per phase: which roles (stakeholder kinds) may give which commands (the
engine's use cases, such as ``react_to_plan``), the guards to leave it (names from
:data:`samenspraak.domain.templates.GUARDS`) and a default reaction period in days::

    name = "overheidsparticipatie"
    version = "2"
    description = "Society decides first; then colleagues, the council, ..."

    [[phases]]
    name = "society-decides"
    description = "Residents, entrepreneurs and institutions deliberate and decide."
    society_only = true
    reaction_period_days = 28
    guards = ["no_open_decision_point", "every_reaction_answered"]

    [phases.permissions]
    resident = ["react_to_plan", "take_position"]

A file that is not a valid template raises :class:`TemplateError`, one sentence
naming the file, the place in it (``phases[2].permissions.resident[0]``, or the
line and column of a TOML syntax error) and what is wrong.

The installed templates are the domain's own ``overheidsparticipatie`` version 1
and the TOML files built into this package. A template, once installed, never
changes: a changed template is a new version, so a running initiative keeps the
definition it was pinned to by its content hash.
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from samenspraak.application.app import Samenspraak
from samenspraak.application.errors import InvalidInput, NotFound
from samenspraak.application.files import reason_of
from samenspraak.domain.rules import counted
from samenspraak.domain.templates import (
    BUILT_IN_TEMPLATES,
    GUARDS,
    PERMITTED_WITH,
    Phase,
    ProcessTemplate,
)
from samenspraak.domain.values import StakeholderKind

BUILT_IN_FOLDER = "builtin_templates"
"""The folder, inside this package, of the built-in template files."""
TEMPLATES_VARIABLE = "SAMENSPRAAK_TEMPLATES"
"""Names a folder of a municipality's own template files, installed beside the
built-in ones (the CLI's ``--templates DIR``)."""

ROLES: tuple[str, ...] = tuple(kind.value for kind in StakeholderKind)
"""The roles a template may give commands to: the kinds of stakeholder."""

OUTSIDE_PHASES: dict[str, str] = {
    "register_stakeholder": "puts a stakeholder in the directory, outside any initiative",
    "erase_stakeholder": (
        "erases a stakeholder's personal data from the directory, in every initiative"
    ),
    "correct_stakeholder": (
        "corrects a stakeholder's name or contact in the directory, in every initiative"
    ),
    "start_initiative": "starts the initiative, before its first phase",
    "migrate_template": (
        "moves the initiative to another template, whichever phase it is in"
    ),
    "announce": (
        "records how the process was announced and who was invited, whichever "
        "phase it is in"
    ),
    "correct_announcement": (
        "corrects the record of how the process was announced, whichever phase it is in"
    ),
    "withdraw_announcement": (
        "withdraws an announcement recorded by mistake, whichever phase it is in"
    ),
    "record_intervention": (
        "records what the facilitator did in their own role, whichever phase it is "
        "in (the facilitator is independent)"
    ),
    "correct_intervention": (
        "corrects the record of what the facilitator did in their own role, "
        "whichever phase it is in (the facilitator is independent)"
    ),
    "withdraw_intervention": (
        "withdraws an intervention of the facilitator's recorded by mistake, "
        "whichever phase it is in (the facilitator is independent)"
    ),
    "record_council_framework": (
        "records a framework the council set for the process, whichever phase it is in"
    ),
    "correct_council_framework": (
        "corrects the record of a framework of the council, whichever phase it is "
        "in (also after the close)"
    ),
    "record_council_follow_up": (
        "records what the council did with what it was told, whichever phase it is "
        "in (also after the close)"
    ),
    "withdraw_council_follow_up": (
        "withdraws a follow-up of the council recorded by mistake, whichever phase "
        "it is in (also after the close)"
    ),
}
"""Use cases that exist, but not within a phase of an initiative."""


def _command_methods() -> tuple[str, ...]:
    """The engine's public commands: its methods that take a command model."""
    return tuple(
        name
        for name, member in vars(Samenspraak).items()
        if not name.startswith("_")
        and callable(member)
        and "command" in inspect.signature(member).parameters
    )


ALL_COMMANDS: tuple[str, ...] = _command_methods()
COMMANDS: tuple[str, ...] = tuple(
    c for c in ALL_COMMANDS if c not in OUTSIDE_PHASES and c not in PERMITTED_WITH
)
"""The commands a template may permit within a phase, in the engine's order
(those :data:`PERMITTED_WITH` another are permitted with it, not named)."""


class TemplateError(InvalidInput):
    """A template file that cannot be installed; ``str()`` names file, place, problem.

    ``place`` is empty when the file as a whole is at fault (it cannot be read).
    """

    def __init__(
        self,
        file: str,
        place: str,
        problem: str,
        others: Sequence[tuple[str, str]] = (),
    ) -> None:
        more = len(others)
        suffix = (
            f" (and {counted(more, 'more problem', 'more problems')})" if more else ""
        )
        super().__init__(f"{_at_place(file, place)}: {problem}{suffix}.")
        self.file = file
        self.place = place
        self.problem = problem
        self.more = more
        self.others = list(others)
        """The other problems found, as (place, problem), in the order found."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again from its parts when it is pickled or copied.
        return (
            type(self),
            (self.file, self.place, self.problem, self.others),
            self.__dict__,
        )

    def every_problem(self) -> list[str]:
        """Each problem found, as a sentence of its own: the first, then the rest."""
        return [
            f"{_at_place(self.file, place)}: {problem}."
            for place, problem in [(self.place, self.problem), *self.others]
        ]


def _at_place(file: str, place: str) -> str:
    return f"{file}: {place}" if place else file


# --- The file format ---------------------------------------------------------------

Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
]
Version = Annotated[
    str,
    # Without leading zeros: "01" would be another version than "1" that sorts
    # the same, so which of them is the newest would be in doubt.
    StringConstraints(max_length=20, pattern=r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class PhaseFile(BaseModel):
    """One ``[[phases]]`` table."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    description: Text
    society_only: bool = False
    permissions: dict[str, list[str]] = Field(default_factory=dict)
    guards: list[str] = Field(default_factory=list)
    reaction_period_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TemplateFile(BaseModel):
    """A whole template file."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    version: Version
    description: Text
    phases: Annotated[list[PhaseFile], Field(min_length=1)]

    @field_validator("version", mode="before")
    @classmethod
    def _whole_number_version(cls, value: Any) -> Any:
        """``version = 2`` is read as ``version = "2"``."""
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        return value


_FIELDS = {
    "template": list(TemplateFile.model_fields),
    "phase": list(PhaseFile.model_fields),
}
_NAME_RULE = "lower-case letters, digits and dashes (like 'society-decides')"


def place_of(loc: Iterable[int | str]) -> str:
    """``('phases', 2, 'guards', 0)`` as ``phases[2].guards[0]``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(the file)"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _problem(error: ErrorDetails) -> str:
    """What is wrong, in words, for the first error pydantic found."""
    kind = error["type"]
    loc = error["loc"]
    field = str(loc[-1]) if loc else ""
    got = error.get("input")
    owner = "phase" if len(loc) >= 3 and loc[0] == "phases" else "template"
    wanted = {
        "string_type": "text",
        "int_type": "a whole number",
        "bool_type": "true or false",
        "list_type": "an array",
        "dict_type": "a table",
        "model_type": "a table",
    }
    if kind == "missing" and field == "phases":
        return "missing; a template declares at least one phase"
    if kind == "missing":
        return f"missing; every {owner} has a {field}"
    if kind == "extra_forbidden":
        known = ", ".join(_FIELDS[owner])
        return f"unknown field '{field}'; a {owner} has the fields {known}"
    if kind in wanted:
        return f"must be {wanted[kind]}, not {_kind_of(got)}"
    if kind == "greater_than_equal":
        return f"must be at least {error.get('ctx', {}).get('ge')} (days), not {got}"
    if kind == "less_than_equal":
        return f"must be at most {error.get('ctx', {}).get('le')} (days), not {got}"
    if kind == "too_short" and field == "phases":
        return "a template declares at least one phase; none are given"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"is too long (at most {limit} characters)"
    if kind == "string_pattern_mismatch" and field == "version":
        return (
            'must be a version number such as "2" or "2.1" (without leading zeros), '
            f"not {got!r}"
        )
    if kind == "string_pattern_mismatch":
        return f"must be {_NAME_RULE}, not {got!r}"
    message = error["msg"]
    return message[0].lower() + message[1:]


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _semantic_problems(model: TemplateFile) -> Iterator[tuple[str, str]]:
    """What the shape allows but a template may not say: (place, problem) pairs."""
    seen: dict[str, int] = {}
    for i, phase in enumerate(model.phases):
        here = f"phases[{i}]"
        if phase.name in seen:
            yield (
                f"{here}.name",
                f"phase name '{phase.name}' is already used by "
                f"phases[{seen[phase.name]}]",
            )
        seen.setdefault(phase.name, i)
        yield from _permission_problems(phase, f"{here}.permissions")
        yield from _guard_problems(phase, f"{here}.guards")


def _permission_problems(phase: PhaseFile, here: str) -> Iterator[tuple[str, str]]:
    for role, commands in phase.permissions.items():
        at = f"{here}.{role}"
        if role not in ROLES:
            yield (
                at,
                f"unknown role '{role}'{_suggest(role, ROLES)}; roles are the "
                f"kinds of stakeholder: {', '.join(ROLES)}",
            )
            continue
        if phase.society_only and role == StakeholderKind.CIVIL_SERVANT and commands:
            yield (
                at,
                "a society-only phase gives civil servants no commands; they "
                "observe until a later phase",
            )
        for j, command in enumerate(commands):
            if command in OUTSIDE_PHASES:
                yield (
                    f"{at}[{j}]",
                    f"'{command}' {OUTSIDE_PHASES[command]}, so no phase permits it",
                )
            elif command in PERMITTED_WITH:
                yield (
                    f"{at}[{j}]",
                    f"'{command}' is permitted with '{PERMITTED_WITH[command][0]}', "
                    "which a phase lists instead",
                )
            elif command not in COMMANDS:
                yield (
                    f"{at}[{j}]",
                    f"unknown command '{command}'{_suggest(command, COMMANDS)}; "
                    f"commands are: {', '.join(COMMANDS)}",
                )
            elif command in commands[:j]:
                yield f"{at}[{j}]", f"'{command}' is listed twice for {role}"


def _guard_problems(phase: PhaseFile, here: str) -> Iterator[tuple[str, str]]:
    for j, guard in enumerate(phase.guards):
        at = f"{here}[{j}]"
        if guard not in GUARDS:
            yield (
                at,
                f"unknown guard '{guard}'{_suggest(guard, GUARDS)}; known guards: "
                f"{', '.join(GUARDS)}",
            )
        elif guard in phase.guards[:j]:
            yield at, f"guard '{guard}' is listed twice"
        elif guard == "reaction_period_over" and phase.reaction_period_days is None:
            yield (
                at,
                "guard 'reaction_period_over' needs a reaction period: set the "
                "phase's reaction_period_days",
            )
        elif (
            guard == "council_informed"
            and phase.permissions
            and "inform_council" not in phase.permissions.get("facilitator", ())
        ):
            yield (
                at,
                "guard 'council_informed' asks for an informing in this phase: give "
                "the facilitator inform_council in its permissions",
            )


def _to_domain(model: TemplateFile) -> ProcessTemplate:
    return ProcessTemplate(
        name=model.name,
        version=model.version,
        description=model.description,
        phases=tuple(
            Phase(
                name=p.name,
                description=p.description,
                society_only=p.society_only,
                permissions={role: tuple(cs) for role, cs in p.permissions.items()},
                guards=tuple(p.guards),
                reaction_period_days=p.reaction_period_days,
            )
            for p in model.phases
        ),
    )


_AT = re.compile(
    r"^(?P<msg>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


MAX_TEMPLATE = 256 * 1024
"""The longest template file read (the built-in ones are some 5 kB)."""


def parse_template(content: bytes | str, source: str) -> ProcessTemplate:
    """The template in ``content``; ``source`` names the file in error messages."""
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
    except UnicodeDecodeError as error:
        place = f"byte {error.start}"
        raise TemplateError(source, place, "the file is not UTF-8 text") from None
    text = text.removeprefix("\ufeff")  # a byte order mark, as some editors write
    try:
        data = tomllib.loads(text)
    except RecursionError:  # arrays or tables nested beyond reason
        raise TemplateError(
            source, "", "not valid TOML: it is nested too deeply"
        ) from None
    except tomllib.TOMLDecodeError as error:
        match = _AT.match(str(error))
        message = match["msg"] if match else str(error)
        place = (
            f"line {match['line']}, column {match['col']}"
            if match and match["line"]
            else "end of file"
        )
        problem = f"not valid TOML: {message[0].lower()}{message[1:]}"
        raise TemplateError(source, place, problem) from None
    try:
        model = TemplateFile.model_validate(data)
    except ValidationError as error:
        found = [(place_of(e["loc"]), _problem(e)) for e in error.errors()]
        (place, problem), *others = found
        raise TemplateError(source, place, problem, others=others) from None
    problems = list(_semantic_problems(model))
    if problems:
        (place, problem), *others = problems
        raise TemplateError(source, place, problem, others=others)
    return _to_domain(model)


def load_template(path: Path | str) -> ProcessTemplate:
    """The template in the TOML file at ``path``."""
    path = Path(path)
    try:
        with path.open("rb") as file:  # read so far only: a file may be any size
            content = file.read(MAX_TEMPLATE + 1)
    except OSError as error:
        reason = (error.strerror or error.__class__.__name__).lower()
        raise TemplateError(str(path), "", f"cannot be read: {reason}") from None
    if len(content) > MAX_TEMPLATE:
        problem = f"is too long (a template file holds at most {MAX_TEMPLATE} bytes)"
        raise TemplateError(str(path), "", problem)
    return parse_template(content, str(path))


# --- The installed templates -------------------------------------------------------


def _built_in_files() -> Iterator[tuple[str, bytes]]:
    folder = resources.files("samenspraak.application").joinpath(BUILT_IN_FOLDER)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            yield entry.name, entry.read_bytes()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Registry:
    """Templates by name and version; each name and version is there once."""

    templates: Mapping[tuple[str, str], ProcessTemplate]

    @classmethod
    def of(cls, templates: Iterable[ProcessTemplate]) -> Registry:
        found: dict[tuple[str, str], ProcessTemplate] = {}
        for t in templates:
            key = (t.name, t.version)
            if key in found:
                msg = f"Template {t.name} version {t.version} is installed twice."
                raise ValueError(msg)
            found[key] = t
        return cls(found)

    def all(self) -> list[ProcessTemplate]:
        """Every template, by name, then by version."""
        return sorted(
            self.templates.values(), key=lambda t: (t.name, _version_key(t.version))
        )

    def get(self, name: str, version: str | None = None) -> ProcessTemplate:
        """The template with this name and version; without a version, the latest."""
        if version is not None:
            found = self.templates.get((name, version))
            if found is None:
                versions = self.versions(name)
                known = (
                    f"; its versions are {', '.join(versions)}"
                    if versions
                    else self._names_known()
                )
                msg = f"No template {name} version {version} is installed{known}."
                raise NotFound(msg)
            return found
        versions = self.versions(name)
        if not versions:
            msg = f"No template called {name} is installed{self._names_known()}."
            raise NotFound(msg)
        return self.templates[(name, versions[-1])]

    def versions(self, name: str) -> list[str]:
        return sorted((v for n, v in self.templates if n == name), key=_version_key)

    def conflict(self, candidate: ProcessTemplate) -> str | None:
        """Why ``candidate`` cannot stand beside these templates, if it cannot."""
        installed = self.templates.get((candidate.name, candidate.version))
        if installed is None or installed.content_hash == candidate.content_hash:
            return None
        return (
            f"{candidate.name} version {candidate.version} is installed with another "
            f"content (hash {installed.content_hash[:12]}); a changed template is a "
            "new version"
        )

    def _names_known(self) -> str:
        names = sorted({n for n, _ in self.templates})
        return f"; installed are {', '.join(names)}" if names else ""


def installed() -> Registry:
    """The installed templates: the domain's own, the built-in files, and the files
    in the folder named by ``SAMENSPRAAK_TEMPLATES`` when it is set. Each folder is
    read once per process."""
    return _installed(os.environ.get(TEMPLATES_VARIABLE) or None)


@cache
def _installed(folder: str | None) -> Registry:
    built_in: list[ProcessTemplate] = [
        *BUILT_IN_TEMPLATES.values(),
        *(parse_template(content, name) for name, content in _built_in_files()),
    ]
    registry = Registry.of(built_in)
    if folder is None:
        return registry
    for path in _template_files(folder):
        candidate = load_template(path)
        conflict = registry.conflict(candidate)
        if conflict:
            raise TemplateError(str(path), "version", conflict)
        if (candidate.name, candidate.version) not in registry.templates:
            registry = Registry.of([*registry.all(), candidate])
    return registry


def check_folder(folder: str) -> None:
    """Refuse a folder of a municipality's own templates that is not a folder."""
    if not Path(folder).is_dir():
        raise TemplateError(
            folder,
            "",
            f"is not a folder of template files (set by --templates or "
            f"{TEMPLATES_VARIABLE})",
        )


def _template_files(folder: str) -> list[Path]:
    """The template files (``*.toml``) in a folder of a municipality's own, by name."""
    check_folder(folder)
    path = Path(folder)
    try:
        return sorted(p for p in path.iterdir() if p.suffix == ".toml" and p.is_file())
    except OSError as error:
        raise TemplateError(
            folder, "", f"cannot be read ({reason_of(error)})"
        ) from None


def check_template_file(path: Path | str) -> ProcessTemplate:
    """Validate a file, also against the installed templates of the same name."""
    candidate = load_template(path)
    conflict = installed().conflict(candidate)
    if conflict:
        raise TemplateError(str(path), "version", conflict)
    return candidate


class TemplateSummary(BaseModel):
    """One installed template, as ``template list --json`` shows it."""

    name: str
    version: str
    content_hash: str
    description: str
    phases: list[str]


def summary(process: ProcessTemplate) -> TemplateSummary:
    return TemplateSummary(
        name=process.name,
        version=process.version,
        content_hash=process.content_hash,
        description=process.description,
        phases=[p.name for p in process.phases],
    )
