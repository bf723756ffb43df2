"""The Qt window of OrderDesk: main window, item models, dialogs and background work."""
