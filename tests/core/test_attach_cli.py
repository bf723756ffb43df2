"""`attach`, `attachments`, `attachment get`, `log`, `history` and `check` on real files."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from orderdesk.cli import main
from orderdesk.core import Desk
from orderdesk.core.filetypes import MAX_SIZE, md5_hex
from orderdesk.core.inventory import Lot
from tests.conftest import make_order
from tests.core.test_timeline import edit_everything, pdf_bytes, png_bytes


class Cli:
    """Runs `orderdesk --db DB --user tester ...` in-process and keeps what it printed."""

    def __init__(self, db: Path, capsys: Any) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        rc = main(["--db", str(self.db), "--user", "tester", *map(str, args)])
        out = self.capsys.readouterr()
        return rc, out.out, out.err


@pytest.fixture
def cli(desk: Desk, db_path: Path, capsys: Any) -> Cli:
    return Cli(db_path, capsys)


def xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Heat", "C", "Mn"])
    wb.active.append(["H-1", 0.17, 1.4])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {"invoice 17.pdf": pdf_bytes("Invoice 17"), "photo.png": png_bytes(),
             "analysis.xlsx": xlsx_bytes(), "empty.pdf": b"",
             "oversized.pdf": b"%PDF-1.7\n".ljust(MAX_SIZE + 1, b"0")}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    shutil.copy("/bin/true", folder / "true.pdf")
    with zipfile.ZipFile(folder / "zipped.pdf", "w") as z:
        z.writestr("invoice.pdf", pdf_bytes())
    return {p.name: p for p in folder.iterdir()}


def test_attach_stores_the_valid_files_and_refuses_each_bad_one(cli: Cli, desk: Desk,
                                                                 tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    f = make_files(tmp_path / "in")
    order = ["invoice 17.pdf", "true.pdf", "photo.png", "zipped.pdf", "empty.pdf",
             "oversized.pdf", "analysis.xlsx"]
    rc, out, _ = cli("attach", o.number, *(f[n] for n in order))
    assert rc == 1
    lines = out.splitlines()
    assert len(lines) == len(order) + 1 and lines[-1] == "3 stored, 4 refused"
    md5 = md5_hex(f["invoice 17.pdf"].read_bytes())
    size = f["invoice 17.pdf"].stat().st_size
    assert lines[0] == f"stored: invoice 17.pdf as Invoice, {size:,} bytes, MD5 {md5}"
    assert lines[1] == "refused: true.pdf is not a PDF: its content is a Linux executable (ELF)"
    assert lines[2].startswith("stored: photo.png as Document, ")
    assert lines[3].startswith("refused: zipped.pdf is not a PDF: its content is a ZIP archive")
    assert lines[4] == "refused: empty.pdf is empty (0 bytes)"
    assert lines[5].startswith("refused: oversized.pdf is 5,242,881 bytes; the limit is 5 MB")
    assert lines[6].startswith("stored: analysis.xlsx as Document, ")
    stored = desk.attachments.list(o.id)
    assert [(a.file_name, a.media_type, a.uploaded_by) for a in stored] == [
        ("invoice 17.pdf", "application/pdf", "tester"), ("photo.png", "image/png", "tester"),
        ("analysis.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "tester")]
    assert desk.attachments.content(stored[2].id) == f["analysis.xlsx"].read_bytes()


def test_all_good_files_exit_zero_with_the_type_and_label_given(cli: Cli, desk: Desk,
                                                                 tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    f = make_files(tmp_path / "in")
    rc, out, _ = cli("attach", o.number, f["photo.png"], "--type", "Custom",
                     "--label", "Site photo")
    assert rc == 0 and out.splitlines()[-1] == "1 stored, 0 refused"
    assert desk.attachments.list(o.id)[0].type_label == "Site photo"
    rc, _, err = cli("attach", o.number, f["photo.png"], "--type", "Custom")
    assert rc == 2 and "--label" in err
    rc, _, err = cli("attach", "1999-9999", f["photo.png"])
    assert rc == 1 and "order 1999-9999 not found" in err
    rc, _, err = cli("attachment", "get", "no-such-id", "-o", tmp_path / "x.pdf")
    assert rc == 1 and "not found" in err and not (tmp_path / "x.pdf").exists()


def test_duplicates_are_refused_unless_allowed_and_a_new_version_replaces(
        cli: Cli, desk: Desk, tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    f = make_files(tmp_path / "in")
    assert cli("attach", o.number, f["photo.png"])[0] == 0
    copy = tmp_path / "copy.png"
    shutil.copy(f["photo.png"], copy)
    rc, out, _ = cli("attach", o.number, copy)
    assert rc == 1 and "refused: copy.png has the same content (MD5 " in out
    assert "as photo.png" in out and "--allow-duplicate" in out
    rc, out, _ = cli("attach", o.number, copy, "--allow-duplicate")
    assert rc == 0 and len(desk.attachments.list(o.id)) == 2
    newer = tmp_path / "new" / "photo.png"
    newer.parent.mkdir()
    newer.write_bytes(png_bytes((10, 200, 10)))
    old_md5 = md5_hex(f["photo.png"].read_bytes())
    rc, out, _ = cli("attach", o.number, newer)
    assert rc == 0 and f"it replaces the earlier photo.png (MD5 {old_md5})" in out
    active = desk.attachments.list(o.id)
    assert sorted(a.md5 for a in active if a.file_name == "photo.png") == [md5_hex(
        newer.read_bytes())]
    assert len(desk.attachments.list(o.id, include_removed=True)) == 3


def test_lot_certificates_by_heat_number(cli: Cli, desk: Desk, tmp_path: Path) -> None:
    desk.inventory.save(Lot("PLANK-2x4", "Planks", Decimal(10), lot="HEAT-9"))
    f = make_files(tmp_path / "in")
    rc, out, _ = cli("attach", "--lot", "HEAT-9", f["invoice 17.pdf"], f["true.pdf"])
    assert rc == 1 and out.startswith("stored: invoice 17.pdf as Certificate")
    rc, out, _ = cli("attachments", "--lot", "HEAT-9")
    assert rc == 0 and "Certificate" in out and "invoice 17.pdf" in out
    assert cli("attach", "--lot", "HEAT-9", f["photo.png"], "--type", "Invoice")[0] == 2


def test_list_get_and_a_damaged_attachment(cli: Cli, desk: Desk, db_path: Path,
                                           tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    f = make_files(tmp_path / "in")
    cli("attach", o.number, f["invoice 17.pdf"], f["photo.png"])
    pdf, png = desk.attachments.list(o.id)
    rc, out, _ = cli("attachments", o.number)
    assert rc == 0 and out.splitlines()[0].split() == [
        "type", "name", "bytes", "uploaded", "by", "uploaded", "at", "MD5", "id"]
    row = next(ln for ln in out.splitlines() if "photo.png" in ln)
    assert all(x in row for x in ("Document", f"{png.size:,}", "tester", png.md5, png.id))
    assert pdf.uploaded_at is not None
    assert pdf.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M") in out
    got = tmp_path / "out" / "copy.pdf"
    got.parent.mkdir()
    assert cli("attachment", "get", pdf.id, "-o", got)[0] == 0
    assert got.read_bytes() == f["invoice 17.pdf"].read_bytes()
    assert cli("check")[0:2] == (0, "database OK\n")

    # Flip bytes in the middle of the stored PNG with raw sqlite3, behind the program's back.
    raw = sqlite3.connect(db_path)
    blob = bytearray(raw.execute("SELECT content FROM attachment WHERE uuid = ?",
                                 [png.id]).fetchone()[0])
    blob[len(blob) // 2] ^= 0xFF
    with raw:
        raw.execute("UPDATE attachment SET content = ? WHERE uuid = ?", [bytes(blob), png.id])
    raw.close()
    target = tmp_path / "out" / "photo.png"
    rc, out, err = cli("attachment", "get", png.id, "-o", target)
    assert rc == 1 and "photo.png is damaged" in err and f"stored as {png.md5}" in err
    assert not target.exists() and list(target.parent.iterdir()) == [got]
    rc, out, _ = cli("check")
    assert rc == 1
    assert f"attachment photo.png ({png.id}): content does not match MD5 {png.md5}" in out
    assert out.splitlines()[-1] == "1 problem(s)"


def test_history_shows_every_kind_and_exports(cli: Cli, desk: Desk, tmp_path: Path) -> None:
    oid = edit_everything(desk)
    number = desk.orders.get(oid).number
    rc, out, _ = cli("log", number, "Checked stock", "--description", "All there")
    assert rc == 0
    rc, out, _ = cli("history", number)
    text = out.splitlines()
    assert rc == 0 and len(text) == len(desk.history.timeline(oid))
    assert "tester" in text[0] and text[0].endswith("Log entry “Checked stock”: All there")
    for part in ("Payment · 5 EUR added", "Shipment · DHL added", "reserved 1", "released 1",
                 "Address · Delivery added", "Attachment · certificate.pdf removed",
                 "status pending → paid", "stage draft → sent",
                 "Line 2 · PLANK-2x4: unit price 2.5 → 3.1"):
        assert any(line.endswith(part) for line in text), part
    rc, out, _ = cli("history", number, "--format", "csv", "--entity", "log")
    rows = list(csv.reader(io.StringIO(out)))
    assert [(r[1], r[3], r[6]) for r in rows[1:]] == [
        ("tester", "Log · Checked stock", "All there"), ("Bob Builder", "Log · Sent",
                                                         f"Order {number}: sent"),
        ("Bob Builder", "Log · Called customer", "Wants it Friday")]
    pdf, xlsx = tmp_path / "h.pdf", tmp_path / "h.xlsx"
    assert cli("history", number, "--format", "pdf", "-o", pdf)[0] == 0
    assert f"History of order {number}" in PdfReader(pdf).pages[0].extract_text()
    rc, out, _ = cli("history", number, "--format", "xlsx", "-o", xlsx, "--by", "bob")
    assert rc == 0 and out.startswith(f"wrote {xlsx} (")
    ws = openpyxl.load_workbook(xlsx).active
    assert {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)} == {"Bob Builder"}
    rc, _, err = cli("history", number, "--format", "pdf")
    assert rc == 2 and "needs -o OUT" in err


def test_log_entry_with_an_attached_file(cli: Cli, desk: Desk, tmp_path: Path) -> None:
    o = desk.orders.create(make_order(lines=1))
    f = make_files(tmp_path / "in")
    rc, out, _ = cli("log", o.number, "Mill called", "--attach", f["invoice 17.pdf"])
    assert rc == 0
    (entry,) = desk.attachments.logs(o.id)
    (att,) = desk.attachments.list(o.id)
    assert (entry.title, entry.actor, entry.attachment_id) == ("Mill called", "tester", att.id)
    rc, _, err = cli("log", o.number, "Bad file", "--attach", f["true.pdf"])
    assert rc == 1 and "Linux executable" in err and len(desk.attachments.logs(o.id)) == 1
