"""Finds and registers a Unicode TrueType font, so every script the data holds can be printed."""

from __future__ import annotations

import os
import shutil
import sys
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from orderdesk.core.errors import OrderDeskError

# resources/fonts of a source checkout first (a packaged program may ship DejaVu there),
# then the usual system places. Each family: (regular, bold) file names.
_RESOURCE_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
# An installed wheel carries the same fonts as data files under <prefix>/share/orderdesk/fonts.
_INSTALLED_DIR = Path(sys.prefix) / "share" / "orderdesk" / "fonts"
_DIRS = (
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto", "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-sans", "/usr/share/fonts/truetype/freefont",
    "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts/Supplemental",
    os.path.expanduser("~/.local/share/fonts"), os.path.expanduser("~/Library/Fonts"),
    os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"),
)
# All of these cover Latin Extended, Greek and Cyrillic.
_FAMILIES = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("FreeSans.ttf", "FreeSansBold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)
REGULAR = "OrderDeskSans"
BOLD = "OrderDeskSans-Bold"


class FontMissing(OrderDeskError):
    """No Unicode TrueType font was found; reports would lose non-Latin text."""


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


_lock = threading.Lock()
_registered: FontFiles | None = None


def find_fonts(extra_dirs: tuple[str | Path, ...] = ()) -> FontFiles:
    """The first family found in ORDERDESK_FONT_DIR, resources/fonts, extra_dirs, the system."""
    dirs: list[Path] = []
    if os.environ.get("ORDERDESK_FONT_DIR"):
        dirs.append(Path(os.environ["ORDERDESK_FONT_DIR"]))
    dirs += [_RESOURCE_DIR, _INSTALLED_DIR, *map(Path, extra_dirs), *map(Path, _DIRS)]
    for regular, bold in _FAMILIES:
        for d in dirs:
            if (d / regular).is_file():
                b = d / bold
                return FontFiles(d / regular, b if b.is_file() else d / regular)
    found = _fc_match()
    if found is not None:
        return found
    raise FontMissing("no Unicode TrueType font found for PDF reports: install DejaVu Sans "
                      "(Debian/Ubuntu: apt-get install fonts-dejavu-core) or put "
                      "DejaVuSans.ttf and DejaVuSans-Bold.ttf into " + str(_RESOURCE_DIR))


def _fc_match() -> FontFiles | None:
    """Fontconfig's choice, for systems that keep fonts somewhere unusual."""
    if shutil.which("fc-match") is None:
        return None
    files = []
    for pattern in ("DejaVu Sans:style=Book", "DejaVu Sans:style=Bold"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                                 text=True, timeout=5, check=False).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return None
        if not out.lower().endswith(".ttf") or not Path(out).is_file():
            return None
        files.append(Path(out))
    return FontFiles(files[0], files[1])


def register() -> FontFiles:
    """Registers the font pair with reportlab once (as REGULAR / BOLD, with a family for <b>)."""
    global _registered
    with _lock:
        if _registered is not None:
            return _registered
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        files = find_fonts()
        pdfmetrics.registerFont(TTFont(REGULAR, str(files.regular)))
        pdfmetrics.registerFont(TTFont(BOLD, str(files.bold)))
        for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, REGULAR),
                                   (1, 1, BOLD)):
            addMapping(REGULAR, bold, italic, name)
        _registered = files
        return files
