"""The errors embedding code can catch; each carries one sentence for a person.

- :class:`NotFound`: an initiative, plan, decision point or stakeholder is unknown.
- :class:`NotAllowed`: a rule refused the command; ``rule`` names it.
- :class:`Conflict`: the thing exists already, or others kept changing it at the
  same moment (after a few retries).
- :class:`AlreadyRecorded`: a :class:`Conflict`: a command was given again with a
  ``command_id`` the record holds already; it was not recorded again.
- :class:`InvalidInput`: a field is missing or malformed; the sentence names it.
- :class:`StorageError`: the database cannot be opened or used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class SamenspraakError(Exception):
    """Raised when the engine refuses a command or query; ``str()`` is the sentence."""


class NotFound(SamenspraakError):
    """Raised when an initiative, plan, decision point or stakeholder is unknown."""


class NotAllowed(SamenspraakError):
    """Raised when a rule refuses a command."""

    def __init__(self, sentence: str, rule: str) -> None:
        super().__init__(sentence)
        self.rule = rule

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again with its rule when it is pickled (a refusal returned by a
        # worker process) or copied.
        return type(self), (str(self), self.rule), self.__dict__


class Conflict(SamenspraakError):
    """Raised when something exists already or kept changing while we tried."""


class AlreadyRecorded(Conflict):
    """Raised when a command is given again with the ``command_id`` of one the
    record holds: it is not recorded again. ``command_id``, ``use_case``,
    ``recorded_at`` and ``position`` (of its first event; None when it recorded
    none) say what was recorded."""

    def __init__(
        self,
        sentence: str,
        command_id: str,
        use_case: str,
        recorded_at: datetime,
        position: int | None,
    ) -> None:
        super().__init__(sentence)
        self.command_id = command_id
        self.use_case = use_case
        self.recorded_at = recorded_at
        self.position = position

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again with what it says when it is pickled or copied.
        return (
            type(self),
            (
                str(self),
                self.command_id,
                self.use_case,
                self.recorded_at,
                self.position,
            ),
            self.__dict__,
        )


class InvalidInput(SamenspraakError):
    """Raised when a command's input is missing or malformed."""


class StorageError(SamenspraakError):
    """Raised when the database cannot be opened or used."""
