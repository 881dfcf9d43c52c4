"""Capture passes: articles fetched as surfaces name them, revisited on a decaying schedule (docs/capture.md)."""
