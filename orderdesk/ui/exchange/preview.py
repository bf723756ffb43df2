"""The import preview: what the files would do, or every problem in them, before anything is written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from orderdesk.exchange import ImportPlan
from orderdesk.ui.exchange.choices import named

PROBLEM_HEADER = ("File", "Row", "Column", "Reason")


def _n(value: int, one: str, many: str) -> str:
    return f"{value:,} {one if value == 1 else many}"


class ImportPreviewDialog(QDialog):
    """Counts of a checked import; its problems in a table (copyable) with Import disabled."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        # Listed file by file (a file refused whole first, then orders, then lines), top to
        # bottom, as one would fix them; the plan lists them by the check that found them.
        rank = {f: 0 if kind == "orders" else 1 for f, kind in plan.files}
        self.listed = sorted(plan.problems, key=lambda pr: (rank.get(pr.file, -1), pr.file,
                                                             pr.row))
        self.setObjectName("import_preview")
        self.setWindowTitle("Import preview")
        lay = QVBoxLayout(self)

        self.headline = named(QLabel(), "headline")
        self.headline.setWordWrap(True)
        self.headline.setText(self._headline())
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.headline)

        files = named(QLabel(), "files")
        files.setWordWrap(True)
        files.setText("Files: " + ", ".join(
            f"{Path(f).name} ({kind} table)" for f, kind in plan.files) if plan.files else
            "Files: none recognised")
        files.setToolTip("\n".join(f for f, _ in plan.files))
        lay.addWidget(files)

        box = QGroupBox("What the import does")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.counts: dict[str, QLabel] = {}
        free = f"{plan.free_item_codes:,}"
        if plan.free_item_codes:
            free += f" (on {_n(plan.free_lines, 'line', 'lines')}; free lines are allowed)"
        for key, title, value in (
            ("new_orders", "New orders", f"{plan.new_orders:,}"),
            ("updated_orders", "Updated orders", f"{plan.updated_orders:,}"),
            ("unchanged_orders", "Unchanged orders", f"{plan.unchanged_orders:,}"),
            ("lines", "Lines", f"{plan.lines:,}"),
            ("new_customers", "New customers", f"{plan.new_customers:,}"),
            ("free_item_codes", "Item codes not in the catalogue", free),
        ):
            label = named(QLabel(value), f"count_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.counts[key] = label
            form.addRow(f"{title}:", label)
        lay.addWidget(box)
        # With problems the counts describe an import that cannot happen: one quiet line
        # instead of a table of figures that reads like a promise.
        self.partial = named(QLabel(), "partial_counts")
        self.partial.setWordWrap(True)
        self.partial.setEnabled(False)
        self.partial.setText("Rows read without problems: "
                             f"{_n(plan.new_orders, 'new order', 'new orders')}, "
                             f"{plan.updated_orders:,} updated, {_n(plan.lines, 'line', 'lines')}.")
        lay.addWidget(self.partial)
        box.setVisible(plan.ok)
        self.partial.setVisible(not plan.ok)

        self.problems = named(QTableWidget(0, len(PROBLEM_HEADER)), "problems")
        self.copy_button = named(QPushButton("&Copy problems"), "copy_problems")
        self.copy_button.setToolTip("Copy the list as tab-separated text (pastes into a sheet)")
        self.copy_button.clicked.connect(self.copy_problems)
        self.more = named(QLabel(), "more_problems")
        if not plan.ok:
            self._fill_problems()
            lay.addWidget(self.problems, 1)
            row = QHBoxLayout()
            row.addWidget(self.more, 1)
            row.addWidget(self.copy_button)
            lay.addLayout(row)
        else:
            self.problems.hide()
            self.copy_button.hide()
            self.more.hide()

        bb = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = bb.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("import_button")
        self.import_button.setEnabled(plan.ok and plan.changes_anything)
        self.import_button.setDefault(self.import_button.isEnabled())
        bb.button(QDialogButtonBox.StandardButton.Cancel).setText(
            "&Cancel" if self.import_button.isEnabled() else "&Close")
        bb.accepted.connect(self.accept)
        bb.rejected.connect(self.reject)
        lay.addWidget(bb)
        # A short list gets a short dialog; a long one scrolls inside a tall one.
        self.resize(820, min(560, 190 + 26 * len(self.listed))) if not plan.ok else \
            self.resize(520, 300)

    def _headline(self) -> str:
        p = self.plan
        if not p.ok:
            return (f"<b>Nothing can be imported: {_n(p.problem_count, 'problem', 'problems')} "
                    "in the files.</b> Fix them and import again; the database is unchanged.")
        if not p.changes_anything:
            return "<b>The files match the database:</b> there is nothing to import."
        return ("<b>The files are ready to import.</b> Everything below is written in one step, "
                "or nothing is.")

    def _fill_problems(self) -> None:
        t, p = self.problems, self.plan
        t.setHorizontalHeaderLabels(PROBLEM_HEADER)
        t.setRowCount(len(self.listed))
        for r, pr in enumerate(self.listed):
            cells = (Path(pr.file).name, str(pr.row) if pr.row else "", pr.column, pr.reason)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c == 0:
                    item.setToolTip(pr.file)
                if c == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(r, c, item)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setWordWrap(True)
        t.verticalHeader().hide()
        # Rows follow their wrapped reason as the dialog is resized (at most 200 rows).
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh = t.horizontalHeader()
        for c in range(3):
            hh.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        hidden = p.problem_count - len(p.problems)
        self.more.setText(f"… and {hidden:,} more not listed (the first {len(p.problems):,} "
                          "are shown)" if hidden > 0 else
                          _n(p.problem_count, "problem", "problems"))

    def problem_text(self) -> str:
        """The problem list as tab-separated text with a header row."""
        rows = ["\t".join(PROBLEM_HEADER)]
        for pr in self.listed:
            # Tabs and newlines inside a reason would break the pasted table's cells.
            cells = (pr.file, str(pr.row) if pr.row else "", pr.column, pr.reason)
            rows.append("\t".join(" ".join(c.split()) for c in cells))
        hidden = self.plan.problem_count - len(self.plan.problems)
        if hidden > 0:
            rows.append(f"… and {hidden:,} more problems")
        return "\n".join(rows) + "\n"

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText(self.problem_text())
        self.copy_button.setText("Copied")
