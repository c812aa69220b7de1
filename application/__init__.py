"""The public API of samenspraak: one application, its commands, views and errors."""

from samenspraak.application.app import Samenspraak
from samenspraak.application.errors import (
    AlreadyRecorded,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    SamenspraakError,
    StorageError,
)

__all__ = [
    "AlreadyRecorded",
    "Conflict",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Samenspraak",
    "SamenspraakError",
    "StorageError",
]
