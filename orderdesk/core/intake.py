"""Taking files in as attachments: read safely, suggest a type, notice duplicates, store each."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from orderdesk.core.attachments import AttachmentInfo
from orderdesk.core.errors import ValidationError
from orderdesk.core.filetypes import MAX_SIZE, Refused, md5_hex

if TYPE_CHECKING:
    from orderdesk.core.desk import Desk

# (pattern on the file name, type): the first match pre-fills the confirm step.
_RULES = (
    (re.compile(r"credit[\s_.-]*note|gutschrift|dobropis", re.I), "CreditNote"),
    (re.compile(r"invoice|rechnung|faktura|factura", re.I), "Invoice"),
    (re.compile(r"delivery|lieferschein|dodac|packing[\s_.-]*(list|slip)|dispatch", re.I),
     "DeliveryNote"),
    (re.compile(r"cert|3[._]1|3[._]2|zeugnis|atest|inspection", re.I), "Certificate"),
)
DEFAULT_LABEL = "Document"

# (done, total, file name) → False to stop before the next file.
Progress = Callable[[int, int, str], bool]


def suggest_type(file_name: str) -> tuple[str, str]:
    """(type, label) pre-filled from the file name; Custom needs a label, so it gets one."""
    stem = Path(file_name).stem
    for pattern, kind in _RULES:
        if pattern.search(stem):
            return kind, ""
    return "Custom", DEFAULT_LABEL


def read_limited(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes, refusing before reading when it is too large, a folder or unreadable.

    Reads at most MAX_SIZE + 1 bytes, so a multi-gigabyte file dropped by mistake costs
    nothing, and a file that grows while being read is still caught.
    """
    p = Path(path)
    try:
        if p.is_dir():
            raise Refused(p.name, "is a folder, not a file")
        with p.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_SIZE:
                raise Refused(p.name, f"is {size:,} bytes; the limit is 5 MB ({MAX_SIZE:,} bytes)")
            data = f.read(MAX_SIZE + 1)
    except FileNotFoundError:
        raise Refused(p.name, "does not exist") from None
    except PermissionError:
        raise Refused(p.name, "cannot be read (permission denied)") from None
    except OSError as e:
        raise Refused(p.name, f"cannot be read ({e.strerror or e})") from None
    return data  # sniff refuses empty and over-long content with the usual reasons


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: stored (maybe replacing one) or refused with a reason."""

    file_name: str
    stored: AttachmentInfo | None = None
    replaced: AttachmentInfo | None = None
    reason: str = ""  # completes "<file name> ..." when refused
    duplicate_of: AttachmentInfo | None = None  # refused because the same content is there

    @property
    def ok(self) -> bool:
        return self.stored is not None

    def message(self) -> str:
        if self.stored is not None:
            a = self.stored
            text = f"stored: {a.file_name} as {a.type_label}, {a.size:,} bytes, MD5 {a.md5}"
            if self.replaced is not None:
                text += (f"; it replaces the earlier {a.file_name} (MD5 {self.replaced.md5}), "
                         "which stays in the history")
            return text
        return f"refused: {self.file_name} {self.reason}"


def existing(desk: Desk, *, order: str | None, lot: str | None) -> list[AttachmentInfo]:
    """Active attachments of the order or the lot's certificates (for duplicate checks)."""
    return desk.attachments.list(order=order, lot=lot)


def attach_one(desk: Desk, file_name: str, data: bytes, *, order: str | None = None,
               lot: str | None = None, type: str = "", label: str = "",
               allow_duplicate: bool = False,
               present: list[AttachmentInfo] | None = None) -> Outcome:
    """Checks and stores one file in its own transaction; a refusal is an Outcome, not raised.

    Same content already attached → refused unless `allow_duplicate` (the window asks first).
    Same name with other content → stored as a replacement; the old one stays in history.
    """
    # Stored content always passed the content check, so the duplicate test may come first;
    # add() then checks the content (and refuses) before it writes anything.
    have = present if present is not None else existing(desk, order=order, lot=lot)
    # Hashed once here; add() takes this MD5 instead of hashing the same bytes again.
    md5 = md5_hex(data)
    dup = next((a for a in have if a.size == len(data) and a.md5 == md5), None)
    if dup is not None and not allow_duplicate:
        same = "under the same name" if dup.file_name == file_name else f"as {dup.file_name}"
        return Outcome(file_name, reason=f"has the same content (MD5 {md5}) as an attachment "
                                         f"already stored {same}", duplicate_of=dup)
    old = next((a for a in have if a.file_name == file_name and a is not dup), None)
    if not type:
        type, suggested = suggest_type(file_name)
        label = label or suggested
    try:
        info = desk.attachments.add(file_name, data, order=order, lot=lot, type=type,
                                    label=label, replaces=old.id if old else None, md5=md5)
    except Refused as e:
        return Outcome(file_name, reason=e.reason)
    except ValidationError as e:
        return Outcome(file_name, reason=f"cannot be stored: {e}")
    if present is not None:
        if old is not None:
            present.remove(old)
        present.append(info)
    return Outcome(file_name, stored=info, replaced=old)


def attach_paths(desk: Desk, paths: Sequence[str | os.PathLike[str]], *,
                 order: str | None = None, lot: str | None = None, type: str = "",
                 label: str = "", allow_duplicate: bool = False,
                 progress: Progress | None = None) -> list[Outcome]:
    """Attaches files one by one (one transaction each): the valid ones are stored whatever
    happens to the others. Errors that concern the order itself (not found) are raised."""
    present = existing(desk, order=order, lot=lot)
    out: list[Outcome] = []
    for i, path in enumerate(paths):
        name = Path(path).name
        if progress is not None and progress(i, len(paths), name) is False:
            break
        try:
            data = read_limited(path)
        except Refused as e:
            out.append(Outcome(name, reason=e.reason))
            continue
        out.append(attach_one(desk, name, data, order=order, lot=lot, type=type, label=label,
                              allow_duplicate=allow_duplicate, present=present))
    if progress is not None:
        progress(len(out), len(paths), "")
    return out


__all__ = ["Outcome", "attach_one", "attach_paths", "read_limited",
           "suggest_type"]
