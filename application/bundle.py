"""Export one initiative to a bundle file, and replay a bundle into a new database.

A bundle is a ZIP file holding four members:

- ``events.jsonl``: the initiative's stored event records exactly as stored, in
  the order of the global log, one JSON object a line: ``position`` (in the log
  it was exported from), ``originator_id``, ``originator_version``, ``topic`` and
  ``state`` (the stored bytes, base64);
- ``texts.jsonl``: the free texts those events refer to that were not erased:
  ``id``, ``purpose``, ``salt`` and ``body``;
- ``stakeholders.jsonl``: the directory rows of the stakeholders who appear in the
  events: ``id``, ``ref`` and ``name``; never their contact details;
- ``manifest.json``: the format and engine version, the initiative, the counts, the
  initiative's chain head (``POSITION:SHA256``) and when it was exported.

The head's hash is the initiative's chain (see ``samenspraak.projections.chain``)
over the records of ``events.jsonl`` in order, so anyone can recompute it; the
position is that of the last record in the original log. Export reads the store
page by page and writes each member as it goes, so memory stays flat however long
the history is. It finds the records through the audit trail, and then recomputes
the initiative's chain over the records the event store itself gives as the
initiative's: it must reach the bundle's head (the trail lives in the same file,
and could leave a record out).

Replay checks the whole bundle before it writes anything: the chain against the
manifest's head (and a published head, if given), that every event belongs to the
initiative and follows its aggregate's previous version, that every text matches
the commitment its event holds, and that every stakeholder appears in the events.
(It keeps each text's commitment in memory meanwhile, some hundred bytes a text.)
Then it writes the directory rows, the texts and the events, in batches, into an
empty database, and catches the views up. The events keep their ids and versions,
so the rebuilt initiative reads and chains as the original; its log positions are
new (they are the same when the original log held this initiative only).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import itertools
import json
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, NoReturn, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError, PersistenceError, StoredEvent
from eventsourcing.utils import get_topic

from samenspraak.application import views as v
from samenspraak.application.app import (
    CORRECTION_TOPIC,
    ERASURE_TOPIC,
    IDENTITY_TOPICS,
    Samenspraak,
    erased_names,
)
from samenspraak.application.config import (
    claim_a_new_sqlite_file,
    remove_unless_a_record_is_in,
    storage_env,
)
from samenspraak.application.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    SamenspraakError,
    StorageError,
)
from samenspraak.application.files import reason_of, write_whole
from samenspraak.application.inputs import ref
from samenspraak.application.integrity import (
    TextCheck,
    as_bytes,
    commitment,
    keeps_its_commitment,
    text_refs,
)
from samenspraak.application.persistence import (
    RecordHeld,
    StakeholderRow,
    TextRow,
    identity_body,
)
from samenspraak.domain import clock
from samenspraak.domain.decision_point import DecisionPoint
from samenspraak.domain.initiative import Initiative, initiative_id
from samenspraak.domain.plan import Plan
from samenspraak.domain.values import SYSTEM_ACTOR, TextRef
from samenspraak.projections.chain import (
    GENESIS,
    HEAD_FORM,
    LAST_POSITION,
    Head,
    canonical_record,
    content_hash,
    next_chain_hash,
)
from samenspraak.projections.verify import verify_chain
from samenspraak.projections.views import AuditRow

FORMAT = "samenspraak-bundle"
FORMAT_VERSION = 1
EVENTS = "events.jsonl"
TEXTS = "texts.jsonl"
STAKEHOLDERS = "stakeholders.jsonl"
MANIFEST = "manifest.json"
MEMBERS = (EVENTS, TEXTS, STAKEHOLDERS, MANIFEST)

PAGE = 500
"""How many records export reads, and replay writes, at a time."""

MAX_LINE = 64 * 1024 * 1024
"""The longest line replay reads from a member (a long text fits many times)."""

MAX_MANIFEST = 1024 * 1024
"""The longest manifest replay reads (an export writes some 400 bytes)."""

PERSON_FIELDS = ("actor", "stakeholder", "facilitator", "requested_by")
"""The fields of events that hold a stakeholder's id."""

EVENT_KEYS = {"position", "originator_id", "originator_version", "topic", "state"}
TEXT_KEYS = {"id", "purpose", "salt", "body"}
STAKEHOLDER_KEYS = {"id", "ref", "name"}

T = TypeVar("T")


# --- Export ----------------------------------------------------------------------------


def export_initiative(
    app: Samenspraak, initiative_slug: str, out_path: str | Path
) -> v.ExportSummary:
    """Write the initiative's record to a new bundle file at ``out_path``.

    Refused when the file exists already, when its directory does not exist, when
    there is no such initiative, and when the event store no longer matches the
    audit trail (a tampered record is not exported).
    """
    target = Path(out_path)
    if target.exists():
        msg = f"{target} already exists; choose another path for the bundle."
        raise Conflict(msg)
    if not target.parent.is_dir():
        msg = f"There is no directory {target.parent} to write the bundle in."
        raise NotFound(msg)
    scope = str(initiative_id(initiative_slug))
    began = app.recorder.max_notification_id() or 0
    app._catch_up_views([app.audit])  # export reads the audit trail
    if app.audit.head(scope) is None:
        raise NotFound(f"There is no initiative called {initiative_slug}.")

    def written(raw: IO[bytes]) -> v.ExportSummary:
        summary = _write_bundle(app, initiative_slug, scope, raw, target)
        # The texts and the directory were read page by page: an erasure saved
        # meanwhile may have come after a page whose texts (a reaction, the
        # identity with the name) were read, and before the pages holding its
        # events. Such a bundle would keep what was erased beside the erasure:
        # it is not kept, and the export is made again.
        if _erased_or_corrected_since(app, began, UUID(scope)):
            raise _ChangedMeanwhile
        return summary

    try:
        return write_whole(target, written)
    except OSError as error:
        raise StorageError(f"Cannot write {target}: {reason_of(error)}.") from None
    except _Unexplained:
        if _erased_or_corrected_since(app, began, UUID(scope)):
            raise _ChangedMeanwhile from None
        raise


class _Unexplained(NotAllowed):
    """A refusal that an erasure or a correction of this initiative, saved while
    the export read it, would explain too: the directory not matching an
    identity, a text emptied or missing. (A changed text or event is never
    explained so.)"""


class _ChangedMeanwhile(IntegrityError):
    """An erasure or a correction was saved while the export read the record: its
    directory and texts then show what its events, read before, do not. The export
    is made again (as a command is when another writer saved first), with them."""

    def __init__(self) -> None:
        super().__init__("The directory changed while the bundle was written.")


def _erased_or_corrected_since(
    app: Samenspraak, position: int, initiative: UUID
) -> bool:
    """An erasure or a correction was recorded in the initiative after
    ``position`` (one concerning anyone in it is recorded there too)."""
    while True:
        page = app.recorder.select_notifications(
            start=position,
            limit=PAGE,
            topics=[ERASURE_TOPIC, CORRECTION_TOPIC],
            inclusive_of_start=False,
        )
        if any(n.originator_id == initiative for n in page):
            return True
        if len(page) < PAGE:
            return False
        position = page[-1].id


def _write_bundle(
    app: Samenspraak, slug: str, scope: str, raw: IO[bytes], target: Path
) -> v.ExportSummary:
    people: set[str] = set()
    events = texts = stakeholders = 0
    last: AuditRow | None = None
    identities: list[tuple[int, str, int, str, bytes]] = []
    check = TextCheck(app.store, app.mapper)  # missing and emptied texts, too
    with (
        zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        tempfile.TemporaryFile() as spooled_texts,
    ):
        # Events first; the texts they refer to go to a temporary file meanwhile,
        # since a ZIP file is written one member at a time.
        with bundle.open(EVENTS, "w", force_zip64=True) as out:
            for page in _pages(app, scope):
                refs: dict[str, tuple[str, int]] = {}
                records = []
                for row, stored in page:
                    out.write(_line(_event_record(row.position, stored)))
                    event = app.mapper.to_domain_event(stored)
                    people.update(_people(event))
                    for t in text_refs(event):
                        refs.setdefault(t.id, (t.sha256, row.position))
                    record = (
                        row.position,
                        UUID(str(stored.originator_id)).hex,
                        stored.originator_version,
                        stored.topic,
                        as_bytes(stored.state),
                    )
                    records.append(record)
                    if stored.topic in IDENTITY_TOPICS:
                        identities.append(record)
                    events += 1
                    last = row
                found = app.store.select_texts(list(refs))
                for text_id, (sha256, position) in refs.items():
                    text = found.get(text_id)
                    if text is None or text.salt is None or text.body is None:
                        continue  # erased (or never kept): it stays out
                    if not keeps_its_commitment(text.salt, text.body, sha256):
                        _tampered(
                            position,
                            f"refers to the text {text_id}, which no longer matches "
                            "the commitment it holds",
                        )
                    spooled_texts.write(
                        _line(
                            {
                                "id": text.id,
                                "purpose": text.purpose,
                                "salt": text.salt,
                                "body": text.body,
                            }
                        )
                    )
                    texts += 1
                if (problem := check.page(records)) is not None:
                    _not_intact(slug, *problem)
        spooled_texts.seek(0)
        with bundle.open(TEXTS, "w", force_zip64=True) as out:
            shutil.copyfileobj(spooled_texts, out)
        # The directory as checked is the directory written: read before the
        # check and after it, it must not have changed in between.
        directory = app.store.select_stakeholders(sorted(people))
        _refuse_what_is_not_explained(app, slug, identities, check)
        if app.store.select_stakeholders(sorted(people)) != directory:
            raise _ChangedMeanwhile()
        with bundle.open(STAKEHOLDERS, "w", force_zip64=True) as out:
            for person in sorted(people):
                if person in directory:
                    person_row = directory[person]
                    out.write(
                        _line(
                            {
                                "id": person_row.id,
                                "ref": person_row.ref,
                                "name": person_row.name,
                            }
                        )
                    )
                    stakeholders += 1
        if last is None:  # pragma: no cover (an initiative has a first event)
            raise NotFound(f"There is no initiative called {slug}.")
        head = Head(last.position, str(last.initiative_chain_hash))
        _refuse_records_the_trail_left_out(app, slug, scope, head)
        exported_at = clock.now()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine_version": version("samenspraak"),
            "initiative": slug,
            "initiative_id": scope,
            "counts": {
                "events": events,
                "texts": texts,
                "stakeholders": stakeholders,
            },
            "head": str(head),
            "exported_at": exported_at.isoformat(),
        }
        bundle.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return v.ExportSummary(
        initiative=slug,
        bundle=str(target),
        events=events,
        texts=texts,
        stakeholders=stakeholders,
        head=str(head),
        exported_at=exported_at,
    )


def _pages(
    app: Samenspraak, scope: str
) -> Iterator[list[tuple[AuditRow, StoredEvent]]]:
    """The initiative's stored records in log order, a page at a time, each checked
    against the audit trail's content hash and initiative chain."""
    chain = GENESIS
    after = 0
    while True:
        rows = app.audit.rows(initiative_id=scope, after=after, limit=PAGE)
        if not rows:
            return
        # An aggregate's versions in this page are consecutive: every version
        # between its first and last here lies between them in the log as well.
        spans: dict[str, tuple[int, int]] = {}
        for row in rows:
            low, high = spans.get(row.aggregate_id, (row.version, row.version))
            spans[row.aggregate_id] = (min(low, row.version), max(high, row.version))
        stored: dict[tuple[str, int], StoredEvent] = {}
        for aggregate, (low, high) in spans.items():
            for record in app.recorder.select_events(
                UUID(aggregate), gt=low - 1, lte=high
            ):
                stored[(aggregate, record.originator_version)] = record
        page = []
        for row in rows:
            kept = stored.get((row.aggregate_id, row.version))
            if kept is None:
                _tampered(row.position, "was deleted from the event store")
            state: object = kept.state  # text only when edited outside the engine
            encoded = canonical_record(
                kept.originator_id,
                kept.originator_version,
                kept.topic,
                state if isinstance(state, str) else bytes(kept.state),
            )
            chain = next_chain_hash(chain, encoded)
            if (
                content_hash(encoded) != row.content_hash
                or chain != row.initiative_chain_hash
            ):
                _tampered(row.position, "was changed after the audit trail recorded it")
            page.append((row, kept))
        yield page
        if len(rows) < PAGE:
            return
        after = rows[-1].position


def _refuse_records_the_trail_left_out(
    app: Samenspraak, slug: str, scope: str, head: Head
) -> None:
    """The bundle's records were found through the audit trail, which lives in
    the file exported and can be rewritten with it: a trail that leaves out one of
    the initiative's records, its chain hashes worked out again without it, would
    give a bundle without that record. So the initiative's chain is recomputed
    over its records as the event store itself gives them (as ``audit verify
    --initiative`` finds them), and must reach the bundle's head at its
    position."""
    check = verify_chain(
        app.recorder,
        app.audit,
        head,
        initiative_id=scope,
        mapper=app.mapper,
        page_size=PAGE,
    )
    if not check.intact:
        msg = (
            f"Refusing to export: the record of {slug} is not intact at position "
            f"{check.first_bad_position} ({str(check.problem).rstrip('.')}); "
            f"investigate first (samenspraak audit verify --initiative {slug})."
        )
        raise NotAllowed(msg, TAMPERED)


def _refuse_what_is_not_explained(
    app: Samenspraak,
    slug: str,
    identities: list[tuple[int, str, int, str, bytes]],
    check: TextCheck,
) -> None:
    """The directory must match the identities the events commit to, and every
    emptied text must be explained by a recorded erasure."""
    wrong = app._directory_problem(identities)
    if wrong is not None:
        _tampered(
            wrong[0],
            "commits to an identity the directory no longer matches "
            f"({wrong[1].rstrip('.')})",
            explainable=True,
        )
    emptied = check.unexplained(app._erased_with_texts(identities))
    if emptied is not None:
        _not_intact(slug, *emptied)


def _not_intact(slug: str, position: int, problem: str) -> NoReturn:
    msg = (
        f"Refusing to export: the record of {slug} is not intact at position "
        f"{position} ({problem.rstrip('.')}); investigate first (samenspraak audit "
        f"verify --initiative {slug})."
    )
    raise _Unexplained(msg, TAMPERED)


def _tampered(position: int, what: str, *, explainable: bool = False) -> NoReturn:
    msg = (
        f"Refusing to export: the event at position {position} {what}; "
        "investigate first (samenspraak audit verify)."
    )
    raise (_Unexplained if explainable else NotAllowed)(msg, TAMPERED)


TAMPERED = "a_tampered_record_is_not_exported"


def _event_record(position: int, stored: StoredEvent) -> dict[str, Any]:
    return {
        "position": position,
        "originator_id": str(UUID(str(stored.originator_id))),
        "originator_version": stored.originator_version,
        "topic": stored.topic,
        "state": base64.b64encode(as_bytes(stored.state)).decode("ascii"),
    }


def _line(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")


def _people(event: Any) -> Iterator[str]:
    for name in PERSON_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, str):
            yield value


# --- Replay ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Manifest:
    initiative: str
    initiative_id: UUID
    engine_version: str
    events: int
    texts: int
    stakeholders: int
    head: Head
    exported_at: datetime


ERASED = "erased before export"
"""The purpose a replayed copy gives a text the bundle does not hold: it was erased
in the original before the export (the bundle never holds erased texts)."""


def replay_bundle(
    bundle_path: str | Path,
    new_db: str | None = None,
    *,
    head: str | Head | None = None,
    earlier_head: str | Head | None = None,
    engine: type[Samenspraak] = Samenspraak,
) -> v.ReplaySummary:
    """Rebuild the bundle's initiative in a new, empty database.

    ``new_db`` is a file path or ``postgresql://`` URL, as for
    :meth:`Samenspraak.open`; a SQLite file is created. With ``head``
    (``POSITION:SHA256``, published when the bundle was made) the bundle must end
    at that head; with ``earlier_head`` (published before, such as the head
    recorded when the council was informed) its chain must pass through it. A head
    is matched by its hash: a replayed copy numbers its log anew. Nothing is
    written unless the whole bundle verifies.
    """
    published = _published(head)
    earlier = _published(earlier_head, "earlier_head")
    path = Path(bundle_path)
    if path.is_dir():
        msg = f"{path} is a folder, not a bundle; give the path of the bundle file."
        raise NotFound(msg)
    if not path.is_file():
        raise NotFound(f"There is no bundle at {path}.")
    with _open_zip(path) as bundle:
        manifest = _read_manifest(bundle)
        if published is not None and published.chain_hash != manifest.head.chain_hash:
            msg = (
                f"The bundle ends at {manifest.head}, not at the published head "
                f"{published}; a head published before the export is checked as an "
                "earlier head."
            )
            raise InvalidInput(msg)
        passed_at, after = _check_chain(bundle, manifest, earlier)
        probe = engine(storage_env(":memory:"))  # only to decode the events
        try:
            refs, people = _check_events(bundle, manifest, probe)
            _check_texts(bundle, manifest, refs, people)
            unchecked = _check_stakeholders(bundle, manifest, people)
            erased = [text_id for text_id, unseen in refs.items() if unseen]
            if erased:
                _refuse_texts_left_out(bundle, probe, set(erased))
        finally:
            probe.close()

        created = claim_a_new_sqlite_file(new_db)
        try:
            app = engine.open(new_db, create=True)
            try:
                summary = _rebuild(app, bundle, manifest, unchecked, erased)
            finally:
                app.close()
            checked = earlier or published
            if checked is None:
                return summary
            return summary.model_copy(
                update={
                    "published_head": str(checked),
                    "published_at": (
                        passed_at if earlier is not None else manifest.head.position
                    ),
                    "recorded_after": after,
                }
            )
        except BaseException:
            if created is not None:  # a replay that fails leaves no file behind
                remove_unless_a_record_is_in(created)
            raise


def _published(head: str | Head | None, name: str = "head") -> Head | None:
    if head is None or (isinstance(head, Head) and head.is_well_formed()):
        return head
    if not isinstance(head, str):
        raise InvalidInput(f"{name}: {HEAD_FORM}")
    try:
        return Head.parse(head)
    except ValueError:
        raise InvalidInput(f"{name}: {HEAD_FORM}") from None


def _open_zip(path: Path) -> zipfile.ZipFile:
    """The bundle's ZIP file; a file that is no bundle is refused in one sentence."""
    try:
        bundle = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        msg = f"{path} is not a samenspraak bundle (not a readable ZIP file: {error})."
        raise InvalidInput(msg) from None
    names = bundle.namelist()
    missing = [m for m in MEMBERS if m not in names]
    if missing:
        bundle.close()
        msg = f"{path} is not a samenspraak bundle: it lacks {', '.join(missing)}."
        raise InvalidInput(msg)
    # A name twice reads as one member here and as the other in another ZIP tool:
    # what was checked would not be what someone else reads.
    if len(names) != len(MEMBERS):
        bundle.close()
        msg = (
            f"{path} is not a samenspraak bundle: it holds {len(names)} members, "
            f"where a bundle holds {', '.join(MEMBERS)}, each once."
        )
        raise InvalidInput(msg)
    return bundle


def _lines(bundle: zipfile.ZipFile, member: str) -> Iterator[tuple[int, Any]]:
    """Each line of a member with its number, parsed as a JSON object."""
    try:
        with (
            bundle.open(member) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
        ):
            number = 0
            while True:
                line = text.readline(MAX_LINE)
                if not line:
                    return
                number += 1
                if not line.endswith("\n") and len(line) >= MAX_LINE:
                    _bad(f"{member} line {number} is too long")
                try:
                    value = json.loads(line)
                except (ValueError, RecursionError):  # or nested beyond reason
                    _bad(f"{member} line {number} is not JSON")
                if not isinstance(value, dict):
                    _bad(f"{member} line {number} is not a JSON object")
                yield number, value
    except UNREADABLE as error:
        _bad(f"{member} cannot be read ({_why(error)})")


UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    UnicodeDecodeError,
    EOFError,
    RuntimeError,  # an encrypted member: "password required"
    NotImplementedError,  # a compression method Python does not have
)
"""What reading a member of a ZIP file raises when the member is damaged or was not
written as a bundle is (``RecursionError``, JSON nested beyond reason, is a
``RuntimeError`` too)."""


def _why(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "it is nested too deeply"
    return str(error).strip().rstrip(".") or error.__class__.__name__


def _bad(what: str) -> NoReturn:
    raise InvalidInput(f"The bundle is damaged: {what}.")


def _read_manifest(bundle: zipfile.ZipFile) -> Manifest:
    try:
        with bundle.open(MANIFEST) as raw:  # read so far only: it may unpack to GBs
            content = raw.read(MAX_MANIFEST + 1)
        if len(content) > MAX_MANIFEST:
            _bad(f"{MANIFEST} is too long")
        data = json.loads(content.decode("utf-8"))
    except (ValueError, *UNREADABLE) as error:
        _bad(f"{MANIFEST} cannot be read ({_why(error)})")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        _bad(f"{MANIFEST} does not describe a samenspraak bundle")
    if type(data.get("format_version")) is not int:  # true is no version, nor 1.0
        _bad(f"{MANIFEST} has a field that is not what a manifest holds")
    if data.get("format_version") != FORMAT_VERSION:
        msg = (
            f"The bundle has format version {data.get('format_version')}; this "
            f"version of samenspraak replays format version {FORMAT_VERSION}."
        )
        raise InvalidInput(msg)
    try:
        counts = data["counts"]
        manifest = Manifest(
            initiative=data["initiative"],
            initiative_id=UUID(data["initiative_id"]),
            engine_version=_engine_version(data["engine_version"]),
            events=_count(counts["events"]),
            texts=_count(counts["texts"]),
            stakeholders=_count(counts["stakeholders"]),
            head=Head.parse(data["head"]),
            exported_at=datetime.fromisoformat(data["exported_at"]),
        )
    except KeyError as missing:
        _bad(f"{MANIFEST} lacks {missing.args[0]}")
    except (TypeError, ValueError, AttributeError):
        _bad(f"{MANIFEST} has a field that is not what a manifest holds")
    try:
        ref("initiative", manifest.initiative)
    except InvalidInput:
        _bad(f"{MANIFEST} names no valid initiative")
    if initiative_id(manifest.initiative) != manifest.initiative_id:
        _bad(f"{MANIFEST} gives an id that is not the id of {manifest.initiative}")
    return manifest


def _engine_version(value: Any) -> str:
    """The version of samenspraak that made the bundle, as messages name it: a
    short line of printable characters (never escape sequences for a terminal)."""
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= 50
        or not value.isprintable()
    ):
        raise ValueError
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError
    return value


def _stored(number: int, line: dict[str, Any]) -> tuple[int, StoredEvent]:
    """An event line as the stored event it holds, with its original position."""
    if set(line) != EVENT_KEYS:
        _bad(f"{EVENTS} line {number} does not hold the fields of a stored event")
    try:
        position, version_ = line["position"], line["originator_version"]
        if type(position) is not int or type(version_) is not int:  # not true
            raise TypeError
        if not isinstance(line["topic"], str) or not isinstance(line["state"], str):
            raise TypeError
        # A version a database holds (a signed 64-bit integer), and a topic that is
        # text (JSON can give a lone surrogate, \ud800, which is not).
        if not 0 < version_ <= LAST_POSITION or not line["topic"].isprintable():
            raise ValueError
        stored = StoredEvent(
            originator_id=UUID(line["originator_id"]),
            originator_version=version_,
            topic=line["topic"],
            state=base64.b64decode(line["state"], validate=True),
        )
    except (TypeError, ValueError, AttributeError, binascii.Error):
        _bad(f"{EVENTS} line {number} is not a well-formed stored event")
    return position, stored


def _check_chain(
    bundle: zipfile.ZipFile, manifest: Manifest, published: Head | None = None
) -> tuple[int | None, int]:
    """Recompute the initiative's chain over the records and compare with the head
    in the manifest and, when given, with an earlier published head it must pass
    through; returns where the chain reached that head and how many records
    follow it."""
    chain = GENESIS
    count = 0
    position = 0
    # Where the chain reaches the published head's hash: a hash commits to every
    # record before it, whatever position a log (renumbered by a replay) gave it.
    passed_at: int | None = None
    after = 0
    for number, line in _lines(bundle, EVENTS):
        at, stored = _stored(number, line)
        if at <= position:
            _bad(f"{EVENTS} line {number} is out of log order")
        position = at
        chain = next_chain_hash(
            chain,
            canonical_record(
                stored.originator_id,
                stored.originator_version,
                stored.topic,
                stored.state,
            ),
        )
        count += 1
        if published is not None:
            if passed_at is not None:
                after += 1
            elif chain == published.chain_hash:
                passed_at = at
    if count == 0:
        _bad(f"{EVENTS} holds no events")
    if Head(position, chain) != manifest.head or count != manifest.events:
        msg = (
            "The bundle's events do not add up to the head in its manifest: an event "
            "was changed, added, removed or reordered after export."
        )
        raise InvalidInput(msg)
    if published is not None and passed_at is None:
        msg = (
            f"The bundle's chain (to {manifest.head}) does not pass through the "
            f"earlier head {published}: the bundle was made before that head, or "
            "a record up to it differs from the one the head was published for."
        )
        raise InvalidInput(msg)
    return passed_at, after


@dataclasses.dataclass
class People:
    """Who the events mention, and the identity texts (reference and name) they
    commit to for each: text id to stakeholder id, the latest identity text of
    each (by position: a correction of the name commits to it anew), then the
    bodies found, by text id."""

    ids: set[str] = dataclasses.field(default_factory=set)
    identities: dict[str, str] = dataclasses.field(default_factory=dict)
    latest: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)
    bodies: dict[str, str] = dataclasses.field(default_factory=dict)
    kept: set[str] = dataclasses.field(default_factory=set)
    """The stakeholders with an identity text in the bundle (not erased)."""

    def note_identities(self, position: int, event: Any) -> None:
        for field, person in (
            ("identity", "stakeholder"),
            ("facilitator_identity", "facilitator"),
            ("actor_identity", "actor"),
        ):
            text = getattr(event, field, None)
            if isinstance(text, TextRef):
                who = str(getattr(event, person))
                self.identities[text.id] = who
                if who not in self.latest or position >= self.latest[who][0]:
                    self.latest[who] = (position, text.id)


def _check_events(
    bundle: zipfile.ZipFile, manifest: Manifest, probe: Samenspraak
) -> tuple[dict[str, str], People]:
    """Every event reads, belongs to the initiative and follows its aggregate's
    previous version; returns the text commitments and people the events hold."""
    owned: dict[UUID, int] = {}
    refs: dict[str, str] = {}
    people = People()
    known = event_topics()
    for number, line in _lines(bundle, EVENTS):
        position, stored = _stored(number, line)
        aggregate = UUID(str(stored.originator_id))
        if stored.topic not in known:  # never resolved: a topic names a module
            msg = (
                f"The event at position {position} is of a kind this version of "
                f"samenspraak does not know ({stored.topic[:100]!r}); the bundle "
                f"was made by version {manifest.engine_version}."
            )
            raise InvalidInput(msg)
        try:
            event = probe.mapper.to_domain_event(stored)
        except Exception as error:  # any decoding failure: the engine cannot read it
            msg = (
                f"The event at position {position} cannot be read by this version of "
                f"samenspraak ({error.__class__.__name__}); the bundle was made by "
                f"version {manifest.engine_version}."
            )
            raise InvalidInput(msg) from None
        if number == 1 and (
            aggregate != manifest.initiative_id or stored.originator_version != 1
        ):
            _bad(f"{EVENTS} does not begin with the start of {manifest.initiative}")
        if aggregate not in owned:
            owner = str(getattr(event, "initiative_id", None))
            if aggregate != manifest.initiative_id and owner != str(
                manifest.initiative_id
            ):
                msg = (
                    f"The event at position {position} belongs to another initiative "
                    f"than {manifest.initiative}."
                )
                raise InvalidInput(msg)
        if stored.originator_version != owned.get(aggregate, 0) + 1:
            _bad(
                f"the event at position {position} does not follow the previous "
                "version of its aggregate"
            )
        owned[aggregate] = stored.originator_version
        people.ids.update(_people(event))
        people.note_identities(position, event)
        for text in text_refs(event):
            if refs.setdefault(text.id, text.sha256) != text.sha256:
                _bad(f"two events give different commitments for the text {text.id}")
    return refs, people


def event_topics() -> frozenset[str]:
    """The topics of the engine's own domain events. A stored event's topic is
    resolved by importing the module it names; replay resolves no other (a bundle
    is untrusted input, and its topic could name any module installed)."""
    found: set[str] = set()
    kinds: list[type] = [Initiative.Event, Plan.Event, DecisionPoint.Event]
    while kinds:
        kind = kinds.pop()
        if kind.__module__.startswith("samenspraak.domain."):
            found.add(get_topic(kind))
        kinds.extend(kind.__subclasses__())
    return frozenset(found)


def _refuse_texts_left_out(
    bundle: zipfile.ZipFile, probe: Samenspraak, missing: set[str]
) -> None:
    """A text the bundle does not hold was erased before the export: a recorded
    erasure of its giver's texts (in the bundle's own events) must explain it, as
    ``audit verify`` asks of a store."""
    check = TextCheck(_NoTexts(), probe.mapper)
    records = []
    for number, line in _lines(bundle, EVENTS):
        position, stored = _stored(number, line)
        record = (
            position,
            UUID(str(stored.originator_id)).hex,
            stored.originator_version,
            stored.topic,
            stored.state,
        )
        if stored.topic in IDENTITY_TOPICS:
            records.append(record)
        for text_id, _ in check.refs(record):
            if text_id in missing:
                check.note_emptied(record, text_id, "text")
    found = check.unexplained(probe._erased_with_texts(records))
    if found is not None:
        position, problem = found
        msg = (
            f"The bundle leaves out a text that no recorded erasure explains: "
            f"{problem.rstrip('.')} (position {position})."
        )
        raise InvalidInput(msg)


class _NoTexts:
    """No text store: the bundle's texts were checked one by one already."""

    def select_text_bodies(self, ids: Sequence[str]) -> list[Any]:
        return []


def _check_texts(
    bundle: zipfile.ZipFile, manifest: Manifest, refs: dict[str, str], people: People
) -> None:
    """Every text is referred to by an event and matches the commitment it holds;
    the identity texts among them are kept for checking the stakeholders."""
    count = 0
    for number, line in _lines(bundle, TEXTS):
        if (
            set(line) != TEXT_KEYS
            or not all(isinstance(x, str) for x in line.values())
            or not _a_purpose(line["purpose"])
        ):
            _bad(f"{TEXTS} line {number} does not hold the fields of a text")
        expected = refs.get(line["id"])
        if expected is None:
            _bad(f"{TEXTS} line {number} holds a text no event refers to")
        if expected == "":
            _bad(f"{TEXTS} line {number} repeats the text {line['id']}")
        try:
            matches = commitment(line["salt"], line["body"]) == expected
        except ValueError:
            matches = False
        if not matches:
            msg = (
                f"The text {line['id']} in the bundle does not match the commitment "
                "its event holds: it was changed after export."
            )
            raise InvalidInput(msg)
        refs[line["id"]] = ""  # seen
        if line["id"] in people.identities:
            people.bodies[line["id"]] = line["body"]
            people.kept.add(people.identities[line["id"]])
        count += 1
    if count != manifest.texts:
        _bad(f"{TEXTS} holds {count} texts where the manifest counts {manifest.texts}")


def _a_purpose(value: str) -> bool:
    """What a text is for (``initiative title``), as the engine names it: a short
    line of printable characters. The purpose is no part of the text's commitment,
    so nothing else checks it; a message and the imports' search read it."""
    return 0 < len(value) <= MAX_PURPOSE and value.isprintable()


MAX_PURPOSE = 100
"""Longer than any purpose the engine gives a text."""


def _check_stakeholders(
    bundle: zipfile.ZipFile, manifest: Manifest, people: People
) -> int:
    """Every stakeholder appears in the events, once, with a valid reference, and
    with the reference and name the events' identity texts commit to (an erased
    stakeholder shows as erased). Returns how many could not be checked: those
    recorded before the events kept identities (or brought in without a name
    before a reference alone was committed to)."""
    ids: set[str] = set()
    refs: set[str] = set()
    unchecked = 0
    committed = set(people.identities.values())
    for number, line in _lines(bundle, STAKEHOLDERS):
        if "contact" in line:
            _bad(f"{STAKEHOLDERS} line {number} holds contact details")
        if set(line) != STAKEHOLDER_KEYS or not (
            isinstance(line["id"], str)
            and isinstance(line["ref"], str)
            and isinstance(line["name"], str | None)
        ):
            _bad(f"{STAKEHOLDERS} line {number} does not hold the fields of a person")
        try:
            ref("stakeholder", line["ref"])
        except InvalidInput:
            _bad(f"{STAKEHOLDERS} line {number} holds no valid reference")
        if line["id"] not in people.ids:
            _bad(f"{STAKEHOLDERS} line {number} holds someone no event mentions")
        unchecked += not _same_identity(number, line, people, committed)
        if line["id"] in ids or line["ref"] in refs:
            _bad(f"{STAKEHOLDERS} line {number} repeats a stakeholder")
        ids.add(line["id"])
        refs.add(line["ref"])
    missing = people.ids - ids - {SYSTEM_ACTOR}
    if missing:
        _bad(
            f"{STAKEHOLDERS} lacks {len(missing)} of the stakeholders the events "
            "mention"
        )
    if len(ids) != manifest.stakeholders:
        _bad(
            f"{STAKEHOLDERS} holds {len(ids)} stakeholders where the manifest counts "
            f"{manifest.stakeholders}"
        )
    return unchecked


def _same_identity(
    number: int, line: dict[str, Any], people: People, committed: set[str]
) -> bool:
    """A stakeholder's line holds the reference and name their latest identity
    text commits to (an earlier one held the name before a correction), or shows
    them as erased when those texts were erased; False when the events hold no
    identity for them (recorded before identities were kept, or without a name
    before a reference alone was committed to)."""
    person = line["id"]
    if person in people.kept:
        latest = people.bodies.get(people.latest[person][1])
        if latest is None or latest != identity_body(line["ref"], line["name"]):
            msg = (
                f"{STAKEHOLDERS} line {number} gives {line['ref']} another "
                "reference or name than the identity its events commit to: it "
                "was changed after export."
            )
            raise InvalidInput(msg)
        return True
    if line["id"] in committed:
        if not (line["ref"] in erased_names(line["id"]) and line["name"] is None):
            msg = (
                f"{STAKEHOLDERS} line {number} names {line['ref']}, whose identity "
                "was erased: it was changed after export."
            )
            raise InvalidInput(msg)
        return True
    return False


HELD = (
    "The database already holds a record; a bundle is replayed into a new, empty "
    "database."
)


def _rebuild(
    app: Samenspraak,
    bundle: zipfile.ZipFile,
    manifest: Manifest,
    unchecked: int,
    erased: list[str],
) -> v.ReplaySummary:
    """Write the verified bundle into the empty database and catch the views up.
    The texts the events refer to that the bundle does not hold (``erased``) are
    written as erased, so that a text missing from the copy's store shows as
    tampering there, as it does in the original."""
    try:
        held = any(app.store.count_rows().values())
    except PersistenceError as error:
        msg = f"The database cannot be read: {str(error).rstrip('.')}."
        raise StorageError(msg) from None
    if held:
        raise Conflict(HELD)
    scope = str(manifest.initiative_id)

    def writes() -> Iterator[tuple[Sequence[StoredEvent], dict[str, Any]]]:
        people = [
            StakeholderRow(line["id"], line["ref"], line["name"], None)
            for _, line in _lines(bundle, STAKEHOLDERS)
        ]
        yield [], {"stakeholders": people}
        texts = itertools.chain(
            (
                TextRow(line["id"], scope, line["purpose"], line["salt"], line["body"])
                for _, line in _lines(bundle, TEXTS)
            ),
            (TextRow(text_id, scope, ERASED, None, None) for text_id in erased),
        )
        for rows in _batches(texts):
            yield [], {"texts": rows}
        events = (_stored(n, line)[1] for n, line in _lines(bundle, EVENTS))
        for batch in _batches(events):
            yield batch, {}

    # In batches, so that memory stays flat, and in one transaction: a replay
    # whose process is killed part of the way, or that fails, leaves none of the
    # record, never a shorter one that verifies. Whether the database is empty is
    # asked again in that transaction: another replay may have written into it
    # meanwhile, and its record is neither added to nor emptied.
    try:
        app.store.write_a_new_record(writes())
    except RecordHeld:
        raise Conflict(HELD) from None
    except PersistenceError as error:
        msg = (
            f"The database failed while replaying: {_first_line(error)}; "
            "nothing was kept."
        )
        raise StorageError(msg) from None
    try:
        app.catch_up()
    except SamenspraakError:
        raise
    except Exception as error:  # an event that decodes but holds nonsense
        kept = _empty_again(app, views=True)
        msg = (
            "The bundle's events cannot be rebuilt by this version of samenspraak "
            f"({error.__class__.__name__}): an event holds what no event of its kind "
            f"holds; {kept}."
        )
        raise InvalidInput(msg) from None
    rebuilt = app.audit.head(scope)
    if rebuilt is None or rebuilt.chain_hash != manifest.head.chain_hash:
        msg = (  # pragma: no cover (the bundle was verified before it was written)
            "The rebuilt initiative does not end at the bundle's head; the database "
            "holds a partial replay."
        )
        raise StorageError(msg)
    return v.ReplaySummary(
        initiative=manifest.initiative,
        events=manifest.events,
        texts=manifest.texts,
        stakeholders=manifest.stakeholders,
        bundle_head=str(manifest.head),
        head=str(rebuilt),
        engine_version=manifest.engine_version,
        exported_at=manifest.exported_at,
        unchecked_stakeholders=unchecked,
    )


def _empty_again(app: Samenspraak, *, views: bool = False) -> str:
    """Empty the database a replay failed to fill (with ``views``, the views that
    caught up part of the way too); says what is left."""
    try:
        app.store.empty_after_a_failed_replay()
        if views:
            app.rebuild_projections()  # of nothing
    except (PersistenceError, SamenspraakError):  # pragma: no cover (failed twice)
        return "start again with a new, empty database"
    return "nothing was kept"


def _batches(items: Iterator[T] | Sequence[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == PAGE:
            yield batch
            batch = []
    if batch:
        yield batch


def _first_line(error: Exception) -> str:
    """What the database said, on one line: PostgreSQL's driver adds indented
    lines of hints (after a lost connection, say)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return (lines[0] if lines else error.__class__.__name__).rstrip(".")
