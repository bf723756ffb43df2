"""Opens a supplier PDF in a child process with time and memory limits, and says if it is usable."""

from __future__ import annotations

import io
import json
import math
import re
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# The directory that holds the orderdesk package, so the child imports this same code.
_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD = ("import sys; sys.path.insert(0, sys.argv[1]); "
          "from orderdesk.core.pdfcheck import child_main; child_main(sys.argv[2:])")
_MAX_REASON = 300
# How running out of address space shows when it happens outside the child's own handler.
_OUT_OF_MEMORY = (b"MemoryError", b"Cannot allocate memory", b"failed to map segment")


@dataclass(frozen=True)
class PdfVerdict:
    ok: bool
    pages: int
    reason: str = ""  # completes a sentence that starts with the file name; may be set when ok


def check_pdf(data: bytes, timeout: float = 10.0, memory_mb: int = 512) -> PdfVerdict:
    """Open and decode every page of `data` in a child process limited in time and memory."""
    if not data:
        return PdfVerdict(False, 0, "is empty (0 bytes)")
    cpu_seconds = max(1, math.ceil(timeout)) + 1  # a backstop should the wall clock not be enough
    cmd = [sys.executable, "-c", _CHILD, _ROOT, str(memory_mb), str(cpu_seconds)]
    try:
        # Limits are set by the child itself, first thing: preexec_fn is unsafe in a
        # program with threads (the desk calls this from a worker thread).
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout, cwd=_ROOT,
                              start_new_session=True, check=False)
    except subprocess.TimeoutExpired:
        return PdfVerdict(False, 0, f"could not be checked within {timeout:g} s "
                                    "(the file may be hostile)")
    except OSError as e:
        return PdfVerdict(False, 0, f"could not be checked: the checker did not start ({e})")
    verdict = _from_json(proc.stdout)
    if proc.returncode == 0 and verdict is not None:
        return verdict
    return PdfVerdict(False, 0, _crash_reason(proc.returncode, proc.stderr, memory_mb))


def _crash_reason(returncode: int, stderr: bytes, memory_mb: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        if -returncode == signal.SIGXCPU:
            return "could not be checked: it took too much processor time (the file may be hostile)"
        return f"could not be checked: the checker was stopped by {name} (the file may be hostile)"
    if any(sign in stderr[-2000:] for sign in _OUT_OF_MEMORY):
        return (f"could not be checked: it needs more than {memory_mb} MB of memory "
                "(the file may be hostile)")
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
    return _short(f"could not be checked: the checker failed (exit {returncode}: {last[0]})")


def _from_json(out: bytes) -> PdfVerdict | None:
    try:
        d = json.loads(out.decode("utf-8").strip().splitlines()[-1])
        return PdfVerdict(bool(d["ok"]), int(d["pages"]), str(d["reason"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def verdict_text(v: PdfVerdict) -> str:
    """A short text for the database, e.g. 'ok: 3 pages' or 'refused: 0 pages; needs a password'."""
    head = f"{'ok' if v.ok else 'refused'}: {v.pages} page{'' if v.pages == 1 else 's'}"
    return f"{head}; {v.reason}" if v.reason else head


_TEXT = re.compile(r"(ok|refused): (\d+) pages?(?:; (.*))?", re.DOTALL)


def parse_verdict(text: str) -> PdfVerdict:
    """The inverse of verdict_text; ValueError for text it did not write."""
    m = _TEXT.fullmatch(text)
    if m is None:
        raise ValueError(f"not a PDF verdict: {text[:60]!r}")
    return PdfVerdict(m[1] == "ok", int(m[2]), m[3] or "")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[:_MAX_REASON - 1] + "…"


# ---- the child process ----------------------------------------------------------------------

def child_main(argv: list[str]) -> None:
    """Entry point of the child: set limits, read the PDF from stdin, print a JSON verdict."""
    import resource

    memory_mb, cpu_seconds = int(argv[0]), int(argv[1])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read()
    verdict = _inspect(data, memory_mb)
    v = PdfVerdict(verdict.ok, verdict.pages, _short(verdict.reason))
    sys.stdout.write(json.dumps(asdict(v)) + "\n")
    sys.stdout.flush()


def _inspect(data: bytes, memory_mb: int) -> PdfVerdict:
    import logging
    import warnings

    warnings.simplefilter("ignore")  # pypdf warns about every oddity; only failures matter here
    logging.disable(logging.CRITICAL)
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    pages = 0
    try:
        reader = PdfReader(io.BytesIO(data))
        note = ""
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as e:
                return PdfVerdict(False, 0, f"is encrypted in a way that cannot be read here ({e})")
            if opened == PasswordType.NOT_DECRYPTED:
                return PdfVerdict(False, 0, "is protected by a password; ask the supplier for "
                                            "a copy without one")
            note = "is encrypted but opens without a password (only restrictions are set)"
        pages = len(reader.pages)
        if pages == 0:
            return PdfVerdict(False, 0, "has no pages")
        for number, page in enumerate(reader.pages, 1):
            try:
                _decode_page(page)
            except (MemoryError, RecursionError, FileNotDecryptedError):
                raise
            except LimitReachedError as e:
                return PdfVerdict(False, pages, f"has a page that unpacks beyond safe limits "
                                                f"(page {number}: {e}; the file may be hostile)")
            except Exception as e:  # noqa: BLE001 - hostile input raises anything; all mean "bad"
                return PdfVerdict(False, pages, f"has a page that cannot be read (page {number}: "
                                                f"{type(e).__name__}: {e})")
        return PdfVerdict(True, pages, note)
    except MemoryError:
        return PdfVerdict(False, pages, f"needs more than {memory_mb} MB of memory to open "
                                        "(the file may be hostile)")
    except RecursionError:
        return PdfVerdict(False, pages, "is nested too deeply to read (the file may be hostile)")
    except FileNotDecryptedError:
        return PdfVerdict(False, pages, "is protected by a password; ask the supplier for "
                                        "a copy without one")
    except Exception as e:  # noqa: BLE001 - as above
        return PdfVerdict(False, pages, f"is not a readable PDF ({type(e).__name__}: {e})")


def _decode_page(page: Any) -> None:
    """Decompress what a viewer or the certificate pack would: text, contents, images, forms."""
    page.extract_text()
    contents = page.get_contents()
    if contents is not None:
        contents.get_data()
    _decode_xobjects(page.get("/Resources"), set(), 0)


def _decode_xobjects(resources: Any, seen: set[object], depth: int) -> None:
    from pypdf.errors import DependencyError
    from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

    if depth > 20:
        raise RecursionError("form XObjects nested more than 20 deep")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for ref in xobjects.values():
        obj = ref.get_object()
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(obj)
        if key in seen or not isinstance(obj, StreamObject):
            continue
        seen.add(key)
        try:
            obj.get_data()
        except (DependencyError, NotImplementedError):
            continue  # a filter pypdf cannot decode (JBIG2 without jbig2dec): copied as is
        if obj.get("/Subtype") == "/Form":
            _decode_xobjects(obj.get("/Resources"), seen, depth + 1)
