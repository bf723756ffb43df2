"""Tests of print preview, printing and the Reports menu."""
