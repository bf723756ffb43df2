"""The order editor: header, lines, parties, money, lifecycle, undo, recovery and safe saving."""
