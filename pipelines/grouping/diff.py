"""Paragraph-level differences between two revisions of a story."""
from __future__ import annotations

import difflib


def paragraph_diff(previous: list[str], current: list[str]) -> dict:
    """{"added": [...], "removed": [...], "changed": [{"before", "after"}, ...]} from previous to current."""
    matcher = difflib.SequenceMatcher(a=previous, b=current, autojunk=False)
    added, removed, changed = [], [], []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "insert":
            added += current[b0:b1]
        elif op == "delete":
            removed += previous[a0:a1]
        elif op == "replace":
            pairs = min(a1 - a0, b1 - b0)
            changed += [{"before": x, "after": y} for x, y in zip(previous[a0:a0 + pairs], current[b0:b0 + pairs])]
            removed += previous[a0 + pairs:a1]
            added += current[b0 + pairs:b1]
    return {"added": added, "removed": removed, "changed": changed}
