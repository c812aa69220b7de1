"""Reading what is given: inputs checked at the boundary, and a refusal said as one
sentence that names the field at fault.

Commands are validated against their models (:func:`parse`); what a query takes
alone is checked here too: a reference (:func:`ref`), a file path (:func:`a_path`),
a moment with its timezone (:func:`when`), and one that ends a span, covering the
whole minute or second it was written to (:func:`through`). Pydantic's errors are
told in words (:func:`describe_validation_error`), with the reference or moment
one may have meant.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from samenspraak.application import commands as c
from samenspraak.application.errors import InvalidInput
from samenspraak.application.persistence import ERASED_PREFIX

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], command: M | Mapping[str, Any]) -> M:
    """Validate a command: a mapping against the model's fields, a model (made in
    any way) again."""
    try:
        return model.model_validate(command)
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None


REF = TypeAdapter(c.Ref)
"""Checks one reference given outside a command model."""


def ref(name: str, value: str) -> str:
    """Validate one reference given to a query."""
    try:
        return REF.validate_python(value)
    except ValidationError:
        msg = (
            f"{name}: must be a reference of lower-case letters, digits and dashes"
            f"{_like_a_reference(value)}."
        )
        raise InvalidInput(msg) from None


def _like_a_reference(value: object) -> str:
    """', like city-centre-east' for 'City Centre (East)': the reference one may
    have meant, or nothing when there is none (or when what was given is no text:
    None is not the reference 'none')."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKD", value)
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")[:64].strip("-")
    usable = re.fullmatch(c.REF_PATTERN, slug) and not slug.startswith(ERASED_PREFIX)
    return f", like {slug}" if slug and usable else ""


def a_path(name: str, value: object) -> str:
    """A file path given as text or as a path object, one the system can use."""
    path = os.fspath(value) if isinstance(value, str | os.PathLike) else None
    if not isinstance(path, str):
        raise InvalidInput(f"{name}: must be a file path.")
    if "\x00" in path:
        raise InvalidInput(f"{name}: must not contain the NUL character (\\x00).")
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        raise InvalidInput(f"{name}: is not a file name this system can use.") from None
    return path


def describe_validation_error(error: ValidationError, field: str = "input") -> str:
    """One sentence: what is wrong with the first field at fault, then which
    other fields are at fault too (``title: must not be empty (budget is at fault
    too).``), so that all of them can be mended at once."""
    errors = error.errors()
    where = [".".join(str(part) for part in e["loc"]) or field for e in errors]
    others = list(dict.fromkeys(w for w in where if w != where[0]))
    return f"{where[0]}: {_problem(errors[0])}{at_fault_too(others)}."


def at_fault_too(others: Sequence[str]) -> str:
    """`` (budget and level are at fault too)``, or nothing when none are."""
    if not others:
        return ""
    listed = ", ".join(others[:-1]) + f" and {others[-1]}" if others[1:] else others[0]
    return f" ({listed} {'is' if len(others) == 1 else 'are'} at fault too)"


_EXAMPLE_MOMENT = "like 2026-04-09T19:30+02:00"
_PROBLEMS = {
    "extra_forbidden": "is not a field of this command",
    "timezone_aware": f"needs its timezone, {_EXAMPLE_MOMENT}",
    "datetime_type": f"must be a date and time with its timezone, {_EXAMPLE_MOMENT}",
    "decimal_parsing": c.AMOUNT_MESSAGE,
    "decimal_type": c.AMOUNT_MESSAGE,
    "decimal_max_places": c.MORE_THAN_CENTS,
    "decimal_max_digits": "is too large (at most 13 digits before the cents)",
    "decimal_whole_digits": "is too large (at most 13 digits before the cents)",
    "bool_type": "must be true or false",
    "int_parsing": "must be a whole number, like 2",
    "int_type": "must be a whole number, like 2",
    "string_unicode": (
        "is not text as UTF-8 writes it (it holds bytes of another encoding)"
    ),
}
_MOMENT_REASONS = {
    "unexpected extra characters at the end of the input": (
        "is not a date and time with its timezone (a part of it is out of range or "
        "there is more after it)"
    ),
    "input is too short": "is not a whole date and time with its timezone",
    "day value is outside expected range": "names a day that month does not have",
    "month value is outside expected range of 1-12": "names a month that does not exist",
    "hour value is outside expected range": "names an hour that does not exist (0-23)",
    "minute value is outside expected range": (
        "names a minute that does not exist (0-59)"
    ),
    "second value is outside expected range": (
        "names a second that does not exist (0-59)"
    ),
    "invalid character in year": "is not a date and time with its timezone",
}
"""What pydantic's reasons for a moment it cannot read mean, in words."""

_PATTERNS = {
    c.REF_PATTERN: "must be a reference of lower-case letters, digits and dashes",
    c.SHA256_PATTERN: "must be a SHA-256: 64 hexadecimal digits",
    c.TEMPLATE_REF_PATTERN: (
        "must name a template as NAME or NAME@VERSION, like omgevingswet@1"
    ),
}


def _problem(error: ErrorDetails) -> str:
    """What is wrong with one field, as the end of a sentence a person can read."""
    kind = error["type"]
    context = error.get("ctx", {})
    if kind == "string_too_long":
        return f"is too long (at most {context.get('max_length')} characters)"
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        return "must not be empty" if least == 1 else f"is too short (at least {least})"
    if kind == "string_pattern_mismatch":
        pattern = context.get("pattern")
        if pattern == c.REF_PATTERN and len(str(error["input"])) > 64:
            return "is too long (a reference has at most 64 characters)"
        like = _like_a_reference(error["input"]) if pattern == c.REF_PATTERN else ""
        return _PATTERNS.get(str(pattern), "is not in the expected form") + like
    if kind == "greater_than":
        return f"must be more than {context.get('gt')}"
    if kind == "greater_than_equal":
        least = context.get("ge")
        return (
            "must not be negative" if str(least) == "0" else f"must be at least {least}"
        )
    if kind == "less_than_equal":
        return f"must be at most {context.get('le')}"
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    if kind in ("datetime_parsing", "datetime_from_date_parsing"):
        reason = _zone_written_otherwise(error["input"]) or _MOMENT_REASONS.get(
            str(context.get("error")), "it is not a date and time"
        )
        return f"{reason}; write it {_EXAMPLE_MOMENT}"
    if kind == "timezone_aware" and _a_date_alone(error["input"]):
        return f"needs a time and its timezone, {_EXAMPLE_MOMENT}"
    if kind in _PROBLEMS or kind == "model_type":
        return _PROBLEMS.get(kind) or _an_object(context)
    message = error["msg"]
    return message[0].lower() + message[1:]


def _an_object(context: dict[str, Any]) -> str:
    """A part of a command (an option of a decision point) given as something
    else than an object: named by its fields, not by its class."""
    model = getattr(c, str(context.get("class_name")), None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return "must be an object"
    *others, last = model.model_fields
    named = f"{', '.join(others)} and {last}" if others else last
    return f"must be an object with the fields {named}"


_A_TIME_OF_DAY = r"\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*"


def _zone_written_otherwise(given: object) -> str | None:
    """What is wrong with a moment whose timezone is written in a way that is not
    read (the rest being a date and time): an offset in hours alone (``+01``), or
    the zone's name (``CET``, ``Europe/Amsterdam``) where its offset belongs."""
    if not isinstance(given, str):
        return None
    hours = re.fullmatch(_A_TIME_OF_DAY + r"([+-]\d{2})\s*", given)
    if hours is not None:
        return (
            f"gives its offset in hours alone ({hours.group(1)}), without its minutes"
        )
    name = re.fullmatch(_A_TIME_OF_DAY + r"([A-Za-z][A-Za-z_/+-]*)\s*", given)
    if name is not None:
        return f"names its timezone ({name.group(1)}) where its offset belongs"
    return None


def _a_date_alone(given: object) -> bool:
    """A moment written as a date only (``2026-11-27``), which reads as midnight
    without a timezone."""
    return (
        isinstance(given, str)
        and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", given) is not None
    )


def when(name: str, value: datetime | str | None) -> datetime | None:
    """Validate a moment given to a query: an ISO time with a timezone."""
    if value is None:
        return None
    try:
        moment = _MOMENT.validate_python(value)
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error, name)) from None
    return moment


def through(name: str, value: datetime | str | None) -> datetime | None:
    """A moment that ends a span (``as_of``, ``until``). Written as text to the
    minute or to the second, it covers that whole minute or second: ``19:30``
    includes what was recorded at 19:30:42, as a person reading times to the minute
    expects."""
    moment = when(name, value)
    if moment is None or not isinstance(value, str):
        return moment
    written = _TIME_OF_DAY.search(value)
    if written is None or written.group("fraction"):
        return moment
    if written.group("seconds"):
        return moment + timedelta(microseconds=999_999)
    return moment + timedelta(seconds=59, microseconds=999_999)


def shown(moment: datetime) -> str:
    """A moment as it was given: to the minute, the second or the microsecond."""
    if moment.microsecond:
        return moment.isoformat()
    return moment.isoformat(timespec="minutes" if not moment.second else "seconds")


def as_of_moment(value: datetime | str | None) -> datetime | None:
    """The moment of a query ``as_of``, as given: not in the future (which has no
    state yet). What it covers ends at ``through("as_of", value)``."""
    from samenspraak.domain import clock  # noqa: PLC0415

    moment = when("as_of", value)
    if moment is not None and moment > clock.now():
        msg = (
            f"as_of: {shown(moment)} is still to come; without it, the state now is "
            "shown."
        )
        raise InvalidInput(msg)
    return moment


_MOMENT: TypeAdapter[datetime] = TypeAdapter(c.Moment)
_TIME_OF_DAY = re.compile(r"[Tt ]\d{2}:\d{2}(?P<seconds>:\d{2}(?P<fraction>[.,]\d+)?)?")
