"""Tests of the order editor."""
