"""Paragraph-level diff between two revisions of a story (story_revisions.diff_from_previous)."""
from __future__ import annotations

import difflib
import re

CHANGED_RATIO = 0.5  # two paragraphs this similar (difflib ratio on words) are one paragraph changed


def _norm(paragraph: str) -> str:
    return re.sub(r"\s+", " ", paragraph).strip()


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower().split(), b.lower().split(), autojunk=False).ratio()


def paragraph_diff(previous: list[str] | None, current: list[str] | None) -> dict:
    """{"added": [paragraph, ...], "removed": [...], "changed": [{"before", "after"}, ...]}.

    Paragraphs are aligned in order (difflib on whitespace-normalised paragraphs); inside a
    replaced block, each removed paragraph is paired with the most similar unpaired added one when
    they are at least CHANGED_RATIO alike ("changed"), the rest are "added" / "removed".
    Moved paragraphs count as removed + added. Non-string items are ignored.
    """
    before = [_norm(p) for p in previous or [] if isinstance(p, str) and _norm(p)]
    after = [_norm(p) for p in current or [] if isinstance(p, str) and _norm(p)]
    added: list[str] = []
    removed: list[str] = []
    changed: list[dict] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = before[i1:i2], after[j1:j2]
        used: set[int] = set()
        pairs: dict[int, int] = {}
        for i, paragraph in enumerate(old):
            best, best_j = CHANGED_RATIO, None
            for j, candidate in enumerate(new):
                if j in used:
                    continue
                ratio = _similarity(paragraph, candidate)
                if ratio >= best:
                    best, best_j = ratio, j
            if best_j is not None:
                used.add(best_j)
                pairs[i] = best_j
        for i, paragraph in enumerate(old):
            if i in pairs:
                changed.append({"before": paragraph, "after": new[pairs[i]]})
            else:
                removed.append(paragraph)
        added.extend(p for j, p in enumerate(new) if j not in used)
    return {"added": added, "removed": removed, "changed": changed}
