"""Child process of the kill test: opens an editor offscreen, edits, waits for the recovery write.

    python recovery_child.py DB COMPANY_ID ORDER_UUID RECOVERY_DIR

Prints `ready` once the recovery file holds the edit, then idles until it is killed.
"""

from __future__ import annotations

import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from orderdesk.core import Desk, open_store  # noqa: E402
from orderdesk.core.recovery import RecoveryStore  # noqa: E402
from orderdesk.ui.editor.window import OrderEditor  # noqa: E402
from orderdesk.ui.fmt import Formatter  # noqa: E402


def main(db: str, company: str, uid: str, directory: str) -> None:
    app = QApplication([])
    desk = Desk(open_store(db), int(company))
    rec = RecoveryStore(directory)
    e = OrderEditor(desk, desk.orders.get(uid), fmt=Formatter("en_US"), recovery=rec)
    e.show()
    e.header.site.setText("")
    e.header.site.textEdited.emit("Recovered yard")
    m = e.doc.lines
    m.setData(m.index(0, 2), "77")
    e.ops.paste("PIPE-CU-22\t\t3\n")
    m.setData(m.index(1, 5), "150")  # a bad discount: kept marked in the recovery file

    def poll() -> None:
        entry = rec.load(uid)
        if (entry is not None and entry.payload["order"]["site"] == "Recovered yard"
                and entry.payload.get("bad")):
            os.write(1, b"ready\n")
            timer.stop()

    timer = QTimer(interval=50)
    timer.timeout.connect(poll)
    timer.start()
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
