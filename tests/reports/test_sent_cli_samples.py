"""The sent-confirmation hook, the pdf/pack commands, demo certificates, poppler rendering."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from orderdesk.cli import main
from orderdesk.core import Desk
from orderdesk.core.filetypes import sniff
from orderdesk.reports import install, sent_confirmation
from orderdesk.reports.samples import (
    attach_demo_certificates, make_certificate_jpg, make_certificate_pdf, make_certificate_png,
)

from tests.reports.conftest import Pdf, add_lot, make_order


def test_sending_stores_the_confirmation_in_the_same_transaction(rdesk: Desk) -> None:
    install(rdesk)
    install(rdesk)  # idempotent: one hook
    assert len(rdesk.on_sent) == 1
    o = make_order(rdesk, 2)
    seen: list[int] = []
    rdesk.store.subscribe(lambda ch: seen.append(ch.revision))
    rdesk.lifecycle.send(o.id or "")
    assert len(seen) == 1  # one transaction: send and attachment committed together
    data = sent_confirmation(rdesk, o.id or "")
    assert data is not None
    text = Pdf(data).text()
    assert f"Order confirmation {o.number}" in text and "Łódź Stal Wiśniewski" in text
    att = [a for a in rdesk.attachments.list(order=o.id) if a.label == "Sent confirmation"]
    assert len(att) == 1 and att[0].type == "Custom" and att[0].verdict.startswith("ok: 1 page")


def test_a_failing_hook_leaves_the_order_unsent(rdesk: Desk) -> None:
    install(rdesk)

    def boom(desk: Desk, uuid: str) -> None:
        raise RuntimeError("printer on fire")

    rdesk.on_sent.append(boom)
    o = make_order(rdesk, 1)
    with pytest.raises(RuntimeError):
        rdesk.lifecycle.send(o.id or "")
    assert rdesk.orders.get(o.id or "").stage == "draft"
    assert sent_confirmation(rdesk, o.id or "") is None  # the attachment rolled back too


def test_cli_pdf_and_pack(rdesk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    o = make_order(rdesk, 3)
    db = str(tmp_path / "reports.sqlite3")  # the rdesk fixture's file
    lot = add_lot(rdesk, "ITEM-001", "H-CLI")
    rdesk.attachments.add("c.pdf", make_certificate_pdf("L", "H-CLI"), lot=lot.id,
                          type="Certificate")
    rdesk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    out = tmp_path / "out.pdf"
    base = ["--db", db, "--user", "cli"]
    assert main([*base, "pdf", o.number or "", "--kind", "delivery-note", "-o", str(out)]) == 0
    assert "H-CLI" in Pdf(out.read_bytes()).text()
    assert main([*base, "pdf", "--kind", "order-list", "--search", "Łódź", "-o",
                 str(out)]) == 0
    assert o.number in Pdf(out.read_bytes()).text()
    assert main([*base, "pack", o.number or "", "-o", str(out)]) == 0
    assert "built a new pack" in capsys.readouterr().out
    assert main([*base, "pack", o.number or "", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "reused the stored pack" in printed and "missing: Line 2" in printed
    assert Pdf(out.read_bytes()).reader.pages[1].extract_text().count("H-CLI") >= 1
    assert not list(tmp_path.glob(".out.pdf.*"))  # no temporary file left behind


def test_samples_are_accepted_attachments() -> None:
    pdf = make_certificate_pdf("Steel plate", "H1", 3)
    assert len(Pdf(pdf).reader.pages) == 3 and "H1" in Pdf(pdf).text()
    assert sniff(pdf, "c.pdf").kind == "pdf"
    png, jpg = make_certificate_png("Rod", "H2"), make_certificate_jpg("Rod", "H2")
    assert sniff(png, "s.png").kind == "png" and sniff(jpg, "s.jpg").kind == "jpg"
    assert Image.open(io.BytesIO(jpg)).size == (1169, 827)


def test_demo_certificates_cover_most_lots_not_all(rdesk: Desk) -> None:
    for k in range(20):
        add_lot(rdesk, f"ITEM-{k:03d}", f"H-{k}")
    stored = attach_demo_certificates(rdesk, random.Random(3))
    lots = rdesk.inventory.lots()
    with_certs = [lot for lot in lots if lot.certificates]
    assert stored >= len(with_certs) and 12 <= len(with_certs) < 20
    names = [a.file_name for a in rdesk.attachments.list() if a.certificate_group]
    assert any(n.endswith(".jpg") or n.endswith(".png") for n in names)
    assert any(n.startswith("supplier-original") for n in names)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_renders_every_page_without_complaint(rdesk: Desk, tmp_path: Path) -> None:
    from orderdesk.reports import certificate_pack, confirmation

    o = make_order(rdesk, 40)
    lot = add_lot(rdesk, "ITEM-001", "H-R")
    rdesk.attachments.add("scan.png", make_certificate_png("L", "H-R"), lot=lot.id,
                          type="Certificate")
    rdesk.inventory.reserve(o.lines[0].id, lot.id)  # type: ignore[arg-type]
    for name, data in (("conf", confirmation(rdesk, o.id or "")),
                       ("pack", certificate_pack(rdesk, o.id or "").data)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        run = subprocess.run(["pdftoppm", "-png", "-r", "30", str(tmp_path / f"{name}.pdf"),
                              str(tmp_path / name)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0 and not run.stderr.strip(), run.stderr
        assert len(list(tmp_path.glob(f"{name}-*.png"))) == len(Pdf(data).reader.pages)
