"""The history timeline in the window: a lazy item model and the panel around it."""

from orderdesk.ui.timeline.panel import TimelinePanel

__all__ = ["TimelinePanel"]
