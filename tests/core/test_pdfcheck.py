"""The PDF checker: real PDFs through the real child process, its limits and its stored text."""

from __future__ import annotations

import io
import time
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from orderdesk.core import pdfcheck
from orderdesk.core.pdfcheck import PdfVerdict, check_pdf, parse_verdict, verdict_text


def make_pdf(pages: int = 3) -> bytes:
    """Text and a Flate-compressed image on every page, as a scanned certificate would have."""
    img = ImageReader(Image.new("RGB", (40, 40), (10, 120, 200)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n in range(pages):
        c.drawString(72, 720, f"Material certificate EN 10204 3.1, page {n + 1}")
        c.drawImage(img, 72, 500, 80, 80)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(2))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte, for content no library would write."""
    out = b"%PDF-1.7\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


def image_pdf(filters: bytes, data: bytes, width: int = 10, height: int = 10) -> bytes:
    content = b"q 100 0 0 100 50 50 cm /Im1 Do Q"
    return raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
         b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
         b"/BitsPerComponent 8 /Filter %s /Length %d >>\nstream\n%s\nendstream"
         % (width, height, filters, len(data), data)),
    ])


def flate_bomb(size: int) -> bytes:
    """A grey image of `size` zero bytes, deflated to about a thousandth of that."""
    z = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [z.compress(chunk[:min(len(chunk), size - k)]) for k in range(0, size, len(chunk))]
    return image_pdf(b"/FlateDecode", b"".join(parts) + z.flush(), 1000, size // 1000)


# ---- verdicts on real files ---------------------------------------------------------------

def test_good_pdf_passes_with_its_page_count() -> None:
    assert check_pdf(make_pdf(3)) == PdfVerdict(True, 3, "")


def test_password_protected_pdf_is_refused() -> None:
    v = check_pdf(encrypted("secret"))
    assert v == PdfVerdict(False, 0, "is protected by a password; ask the supplier for a copy "
                                     "without one")


def test_pdf_encrypted_without_a_user_password_opens_with_a_note() -> None:
    v = check_pdf(encrypted(""))
    assert (v.ok, v.pages) == (True, 2)
    assert v.reason == "is encrypted but opens without a password (only restrictions are set)"


@pytest.mark.parametrize("data", [b"this is not a PDF at all\n" * 40, b"%PDF-1.4\n%%EOF\n"])
def test_garbage_is_refused(data: bytes) -> None:
    v = check_pdf(data)
    assert not v.ok and v.reason.startswith("is not a readable PDF (")


def test_empty_input_is_refused_without_a_child() -> None:
    assert check_pdf(b"") == PdfVerdict(False, 0, "is empty (0 bytes)")


def test_every_page_is_decoded_so_a_broken_image_is_found() -> None:
    v = check_pdf(image_pdf(b"/ASCIIHexDecode", b"zz not hex"))
    assert (v.ok, v.pages) == (False, 1)
    assert v.reason.startswith("has a page that cannot be read (page 1: ")


def test_decompression_bomb_beyond_pypdf_limits_is_refused() -> None:
    v = check_pdf(flate_bomb(200_000_000))  # 200 MB of pixels in about 200 kB
    assert (v.ok, v.pages) == (False, 1)
    assert v.reason.startswith("has a page that unpacks beyond safe limits (page 1: ")


def test_memory_limit_stops_a_bomb_that_fits_pypdf_limits() -> None:
    bomb = flate_bomb(70_000_000)
    assert check_pdf(bomb, memory_mb=512).ok  # the same file passes with room to decode it
    assert check_pdf(bomb, memory_mb=128) == PdfVerdict(
        False, 1, "needs more than 128 MB of memory to open (the file may be hostile)")


def test_form_that_draws_itself_does_not_hang() -> None:
    draw = b"/F1 Do"
    pdf = raw_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
         b"/Resources << /XObject << /F1 5 0 R >> >> /Contents 4 0 R >>"),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw),
        (b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject "
         b"<< /F1 5 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw)),
    ])
    assert check_pdf(pdf, timeout=20).pages == 1


# ---- the child process and its limits -----------------------------------------------------

def test_timeout_gives_a_clear_reason() -> None:
    # No child starts Python and pypdf in a millisecond, so this always runs out of time.
    assert check_pdf(make_pdf(1), timeout=0.001) == PdfVerdict(
        False, 0, "could not be checked within 0.001 s (the file may be hostile)")


def test_hung_child_is_killed_at_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfcheck, "_CHILD", "import time; time.sleep(60)")
    started = time.monotonic()
    v = check_pdf(make_pdf(1), timeout=1.0)
    assert time.monotonic() - started < 10
    assert v == PdfVerdict(False, 0, "could not be checked within 1 s (the file may be hostile)")


def test_processor_time_limit_stops_a_spinning_child(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real child_main with its real limits, given 1 s of CPU and a check that never ends.
    spin = ("import sys; sys.path.insert(0, sys.argv[1]); import orderdesk.core.pdfcheck as p; "
            "p._inspect = lambda data, mb: [0 for _ in iter(int, 1)]; "
            "p.child_main([sys.argv[2], '1'])")
    monkeypatch.setattr(pdfcheck, "_CHILD", spin)
    v = check_pdf(make_pdf(1), timeout=30)
    assert v == PdfVerdict(False, 0, "could not be checked: it took too much processor time "
                                     "(the file may be hostile)")


def test_crashed_child_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfcheck, "_CHILD", "import os, signal; os.kill(os.getpid(), 9)")
    v = check_pdf(make_pdf(1))
    assert v == PdfVerdict(False, 0, "could not be checked: the checker was stopped by SIGKILL "
                                     "(the file may be hostile)")


def test_child_without_a_verdict_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfcheck, "_CHILD", "import sys; print('hello'); sys.exit(3)")
    v = check_pdf(make_pdf(1))
    assert not v.ok and v.reason.startswith("could not be checked: the checker failed (exit 3")


# ---- the stored text ----------------------------------------------------------------------

@pytest.mark.parametrize("verdict, text", [
    (PdfVerdict(True, 3, ""), "ok: 3 pages"),
    (PdfVerdict(True, 1, ""), "ok: 1 page"),
    (PdfVerdict(True, 2, "is encrypted; but opens"), "ok: 2 pages; is encrypted; but opens"),
    (PdfVerdict(False, 0, "is protected by a password"),
     "refused: 0 pages; is protected by a password"),
])
def test_verdict_text_round_trips(verdict: PdfVerdict, text: str) -> None:
    assert verdict_text(verdict) == text
    assert parse_verdict(text) == verdict


@pytest.mark.parametrize("text", ["", "ok", "fine: 3 pages", "ok: three pages", "ok: 3 pages;"])
def test_parse_verdict_rejects_other_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_verdict(text)
