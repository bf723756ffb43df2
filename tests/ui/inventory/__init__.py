"""Tests of the inventory window, lots, reservations and traceability."""
