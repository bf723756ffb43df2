"""Questions and messages to the user, behind one object tests can replace."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


class Ui:
    """Asks and tells through message boxes; tests pass a subclass that answers itself."""

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str = "OK") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Cancel, parent)
        ok = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter must not destroy
        box.exec()
        return box.clickedButton() is ok

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def run_dialog(self, dialog: QDialog) -> bool:
        """Shows a modal dialog; True when accepted."""
        return dialog.exec() == QDialog.DialogCode.Accepted
