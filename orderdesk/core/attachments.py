"""Attachments (content checked and hashed on the way in and out) and log entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderdesk.core import validate as v
from orderdesk.core.base import Service
from orderdesk.core.docs import ATTACHMENT_TYPES
from orderdesk.core.errors import IntegrityFailure, LockedError, NotFound, ValidationError
from orderdesk.core.fields import new_uuid, ts_parse
from orderdesk.core.tx import Tx

_COLS = ("a.uuid, a.type, a.label, a.file_name, a.media_type, a.size, a.md5, a.uploaded_at, "
         "a.uploaded_by, a.active, a.verdict, o.number, a.certificate_group")


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    type: str
    label: str
    file_name: str
    media_type: str
    size: int
    md5: str
    uploaded_at: datetime | None
    uploaded_by: str
    active: bool
    verdict: str
    order_number: str | None
    certificate_group: str | None

    @property
    def type_label(self) -> str:
        return self.label if self.type == "Custom" and self.label else self.type


@dataclass(frozen=True)
class LogInfo:
    id: int
    title: str
    description: str
    actor: str
    at: datetime | None
    attachment_id: str | None


class AttachmentService(Service):
    def add(self, file_name: str, data: bytes, *, order: str | None = None,
            lot: str | None = None, type: str = "Custom", label: str = "",
            replaces: str | None = None, verdict: str = "",
            md5: str | None = None) -> AttachmentInfo:
        """Stores a file on an order or (as a certificate) on a lot, after checking content.

        `md5`: the hex MD5 of `data` when the caller has just computed it from these very
        bytes (intake hashes for its duplicate check), so 4 MB are not hashed twice.
        """
        from orderdesk.core.filetypes import sniff

        if (order is None) == (lot is None):
            raise ValueError("an attachment belongs to exactly one order or one lot")
        file_name = v.text(file_name, "file name", 255, required=True)
        type = v.choice(type, "type", ATTACHMENT_TYPES)
        label = v.text(label, "label", 80, required=type == "Custom")
        kind = sniff(data, file_name)  # raises filetypes.Refused with the reason
        md5 = md5 or hashlib.md5(data).hexdigest()
        with self.write() as tx:
            oid = group = None
            if order is not None:
                head = self.order_head(order, lock=True)
                oid = head["id"]
                tx.changes.orders.add(head["uuid"])
            else:
                r = self.desk.inventory._row(lot, lock=True)  # type: ignore[arg-type]
                group = r["certificate_group"]
                tx.changes.lots.add(r["uuid"])
            replaced_id = None
            if replaces:
                prev = self.info(replaces)
                replaced_id = self._rowid(replaces)
                self.q("UPDATE attachment SET active = ? WHERE uuid = ?", [False, replaces])
                tx.event("updated", "attachment", replaces, f"Attachment · {prev.file_name}",
                         order_id=oid, field="replaced by", old=prev.md5, new=md5)
            uid = new_uuid()
            self.q("INSERT INTO attachment (company_id, uuid, order_id, certificate_group, type, "
                   "label, file_name, media_type, size, md5, content, verdict, uploaded_at, "
                   "uploaded_by, replaces_id, active) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   [self.cid, uid, oid, group, type, label, file_name, kind.media_type,
                    len(data), md5, data, verdict, tx.now_text, tx.actor.name, replaced_id, True])
            lot_id = None if group is None else self.desk.inventory._row(lot)["id"]  # type: ignore[arg-type]
            tx.event("created", "attachment", uid, f"Attachment · {file_name}", order_id=oid,
                     lot_id=lot_id, field="md5", new=md5)
            tx.changes.attachments.add(uid)
        return self.info(uid)

    def _rowid(self, uid: str) -> int:
        row = self.q("SELECT id FROM attachment WHERE uuid = ? AND company_id = ?",
                     [uid, self.cid]).fetchone()
        if row is None:
            raise NotFound(f"attachment {uid} not found")
        return int(row[0])

    def info(self, uid: str) -> AttachmentInfo:
        row = self.q(f"SELECT {_COLS} FROM attachment a LEFT JOIN orders o ON o.id = a.order_id "
                     "WHERE a.uuid = ? AND a.company_id = ?", [uid, self.cid]).fetchone()
        if row is None:
            raise NotFound(f"attachment {uid} not found")
        return _info(row)

    def list(self, order: str | None = None, lot: str | None = None,
             include_removed: bool = False) -> list[AttachmentInfo]:
        sql = (f"SELECT {_COLS} FROM attachment a LEFT JOIN orders o ON o.id = a.order_id "
               "WHERE a.company_id = ?")
        params: list[Any] = [self.cid]
        if order is not None:
            sql += " AND a.order_id = ?"
            params.append(self.order_head(order)["id"])
        if lot is not None:
            sql += " AND a.certificate_group = ?"
            params.append(self.desk.inventory._row(lot)["certificate_group"])
        if not include_removed:
            sql += " AND a.active = ?"
            params.append(True)
        return [_info(r) for r in self.q(sql + " ORDER BY a.id", params)]

    def find_by_name(self, order: str, file_name: str) -> AttachmentInfo | None:
        for a in self.list(order=order):
            if a.file_name == file_name:
                return a
        return None

    def find_by_md5(self, order: str, md5: str) -> AttachmentInfo | None:
        for a in self.list(order=order):
            if a.md5 == md5:
                return a
        return None

    def content(self, uid: str) -> bytes:
        """The stored bytes, refused if they no longer match their MD5."""
        row = self.q("SELECT content, md5, file_name FROM attachment WHERE uuid = ? AND "
                     "company_id = ?", [uid, self.cid]).fetchone()
        if row is None:
            raise NotFound(f"attachment {uid} not found")
        data = bytes(row[0])
        actual = hashlib.md5(data).hexdigest()
        if actual != row[1]:
            raise IntegrityFailure(f"attachment {row[2]} is damaged: its content has MD5 {actual},"
                                   f" stored as {row[1]}")
        return data

    def update(self, uid: str, *, file_name: str | None = None, type: str | None = None,
               label: str | None = None) -> AttachmentInfo:
        """Renames or retypes an attachment (history records each field)."""
        with self.write() as tx:
            a = self.info(uid)
            after = {"file_name": v.text(file_name if file_name is not None else a.file_name,
                                         "file name", 255, required=True),
                     "type": v.choice(type or a.type, "type", ATTACHMENT_TYPES),
                     "label": v.text(label if label is not None else a.label, "label", 80)}
            if after["type"] == "Custom" and not after["label"]:
                raise ValidationError("label", "", "a Custom attachment needs a label")
            before = {"file_name": a.file_name, "type": a.type, "label": a.label}
            oid = self._order_id(uid)
            if tx.diff("attachment", uid, f"Attachment · {a.file_name}", before, after,
                       order_id=oid):
                self.q("UPDATE attachment SET file_name = ?, type = ?, label = ? WHERE uuid = ?",
                       [after["file_name"], after["type"], after["label"], uid])
            tx.changes.attachments.add(uid)
        return self.info(uid)

    def set_active(self, uid: str, active: bool) -> None:
        """Removes (soft) or restores an attachment."""
        with self.write() as tx:
            a = self.info(uid)
            if a.active == active:
                return
            self.q("UPDATE attachment SET active = ? WHERE uuid = ?", [active, uid])
            tx.event("restored" if active else "deleted", "attachment", uid,
                     f"Attachment · {a.file_name}", order_id=self._order_id(uid), field="active",
                     old=not active, new=active)
            tx.changes.attachments.add(uid)

    def set_verdict(self, uid: str, verdict: str) -> None:
        with self.write():
            self.q("UPDATE attachment SET verdict = ? WHERE uuid = ?", [verdict, uid])

    def _order_id(self, uid: str) -> int | None:
        row = self.q("SELECT order_id FROM attachment WHERE uuid = ?", [uid]).fetchone()
        return row[0] if row else None

    def verify_all(self) -> list[str]:
        """Every attachment whose content no longer matches its MD5."""
        bad = []
        for uid, name, content, md5 in self.q(
                "SELECT uuid, file_name, content, md5 FROM attachment WHERE company_id = ?",
                [self.cid]):
            if hashlib.md5(bytes(content)).hexdigest() != md5:
                bad.append(f"attachment {name} ({uid}): content does not match MD5 {md5}")
        return bad

    # ---- log entries ----
    def log(self, tx: Tx, oid: int, title: str, description: str = "",
            attachment_id: int | None = None) -> None:
        """A log entry written by the program itself, inside the caller's transaction."""
        self.q("INSERT INTO log_entry (company_id, order_id, title, description, actor, at, "
               "attachment_id) VALUES (?,?,?,?,?,?,?)",
               [self.cid, oid, title, description, tx.actor.name, tx.now_text, attachment_id])
        tx.event("logged", "log", title, f"Log · {title}", order_id=oid, new=description or None)

    def add_log(self, order: str, title: str, description: str = "",
                attachment_id: str | None = None) -> None:
        title = v.text(title, "title", 200, required=True)
        description = v.text(description, "description", 20000)
        with self.write() as tx:
            head = self.order_head(order, lock=True)
            att = self._rowid(attachment_id) if attachment_id else None
            self.log(tx, head["id"], title, description, att)
            tx.changes.orders.add(head["uuid"])

    def logs(self, order: str) -> list[LogInfo]:
        head = self.order_head(order)
        return [LogInfo(r[0], r[1], r[2], r[3], ts_parse(r[4]), r[5]) for r in self.q(
            "SELECT l.id, l.title, l.description, l.actor, l.at, a.uuid FROM log_entry l "
            "LEFT JOIN attachment a ON a.id = l.attachment_id WHERE l.order_id = ? "
            "ORDER BY l.at DESC, l.id DESC", [head["id"]])]


def _info(r: Any) -> AttachmentInfo:
    return AttachmentInfo(r[0], r[1], r[2], r[3], r[4], r[5], r[6], ts_parse(r[7]), r[8],
                          bool(r[9]), r[10], r[11], r[12])


__all__ = ["AttachmentService", "AttachmentInfo", "LogInfo", "LockedError"]
