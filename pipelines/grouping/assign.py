"""The grouping decision and the assignment loop, shared by the DAG, the CLI, the evaluation and
the benchmark (only the index behind it differs).

Two revisions are linked when `compare` says they are revisions of one story; a story is a
connected component of links. `compare` looks at the two revisions only (never at what else a
story holds), so the components - the stories - are the same whatever order revisions arrive in
and however they are split into nights: each link is found when the second of its two revisions
arrives, through the index keys the two share. When a new revision links revisions of two stories,
the stories merge (the index records it: `story_merges` in PostgreSQL).
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from pipelines.grouping.features import BODY_SKETCH, PARA_SKETCH, Features, containment, extract

log = logging.getLogger(__name__)

# Thresholds (tuned on the tuning split of pipelines.grouping.evaluate; see its output).
MAX_GAP_HOURS = 36.0  # content-only links need publication times closer than this (when known)
RECAST_GAP_HOURS = 20.0  # a recast lead with kept body: within this gap (a follow-up next day is ~24 h)
LEAD_GAP_HOURS = 18.0
FLASH_GAP_HOURS = 3.0
LINEAGE_VETO_HOURS = 72.0  # same id lineage but unrelated text this far apart: a reused serial


@dataclass(frozen=True)
class Evidence:
    body_containment: float
    body_jaccard: float
    lead: float
    headline: float
    gap_hours: float | None


def gap_hours(a: Features, b: Features) -> float | None:
    if a.published is None or b.published is None:
        return None
    slack = (12 * 3600 if a.date_only else 0) + (12 * 3600 if b.date_only else 0)
    return max(0.0, abs(a.published - b.published) - slack) / 3600


def headline_similarity(a: Features, b: Features) -> float:
    wa, wb = a.headline_words, b.headline_words
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def lead_similarity(a: Features, b: Features) -> float:
    """How far one revision's lead survives near the top of the other (either direction):
    best containment between a lead paragraph and one of the other's top three paragraphs."""
    best = 0.0
    for i, (sa, na) in enumerate(zip(a.para_sketches[:3], a.para_sizes[:3])):
        for j, (sb, nb) in enumerate(zip(b.para_sketches[:3], b.para_sizes[:3])):
            if i and j:
                continue
            best = max(best, containment(sa, na, sb, nb, PARA_SKETCH)[0])
    return best


def evidence(a: Features, b: Features) -> Evidence:
    c, j = containment(a.body_sketch, a.body_size, b.body_sketch, b.body_size, BODY_SKETCH)
    return Evidence(c, j, lead_similarity(a, b), headline_similarity(a, b), gap_hours(a, b))


def compare(a: Features, b: Features) -> tuple[bool, str]:
    """Are `a` and `b` revisions of one story? (decision, the evidence in words). Symmetric."""
    if a.article_id and a.article_id == b.article_id:
        return True, "same article id"
    if not a.article_id or not b.article_id:
        return False, "missing article id"
    if "no_headline_no_body" in (a.problem, b.problem):
        return False, "nothing to compare"
    if a.part and b.part and a.part != b.part:
        return False, f"different parts -{a.part}/-{b.part}"
    ev = evidence(a, b)
    gap = ev.gap_hours
    facts = (f"body {ev.body_containment:.2f}/{ev.body_jaccard:.2f} lead {ev.lead:.2f} "
             f"headline {ev.headline:.2f} gap {'?' if gap is None else f'{gap:.1f}h'}")
    if a.lineage and a.lineage == b.lineage:
        if gap is not None and gap > LINEAGE_VETO_HOURS and ev.body_containment < 0.2 and ev.headline < 0.3:
            return False, f"same id lineage but unrelated and far apart ({facts})"
        return True, f"id lineage ({facts})"
    if a.digest != b.digest:
        return False, "summary item vs story"
    if gap is not None and gap > MAX_GAP_HOURS:
        return False, f"too far apart ({facts})"
    if not a.body_size or not b.body_size:
        close = gap is not None and gap <= (6 if not a.body_size and not b.body_size else 12)
        ok = close and ev.headline >= 0.85 and min(len(a.headline_words), len(b.headline_words)) >= 4
        return ok, f"headline only ({facts})"
    if gap is not None and gap > RECAST_GAP_HOURS:  # a day apart: only a revision that keeps nearly all
        ok = ev.body_containment >= 0.8 and ev.lead >= 0.7
        return ok, f"{'keeps text and lead' if ok else 'different'}, a day apart ({facts})"
    if ev.body_jaccard >= 0.6:
        return True, f"near-duplicate body ({facts})"
    if ev.body_containment >= 0.5 and ev.lead >= 0.5:
        return True, f"keeps earlier text and lead ({facts})"
    if ev.body_containment >= 0.7 and ev.body_jaccard >= 0.4:
        return True, f"keeps earlier text, lead recast ({facts})"
    if ev.lead >= 0.6 and (ev.headline >= 0.3 or ev.body_containment >= 0.3) and gap is not None \
            and gap <= LEAD_GAP_HOURS:
        return True, f"same lead ({facts})"
    # An (URGENT) flash filed under its own serial: one paragraph, soon followed by the full story,
    # which rewrites the flash's sentence but keeps its headline's gist.
    flash = min(len(a.para_sizes), len(b.para_sizes)) == 1
    if flash and gap is not None and gap <= FLASH_GAP_HOURS and ev.headline >= 0.6 and ev.body_containment >= 0.3:
        return True, f"flash and its full story ({facts})"
    return False, f"different ({facts})"


def new_story_id(f: Features, taken) -> str:
    """Readable, stable story ids: "yonhap-<first article id>" for Yonhap ids, "wire-<id>" for
    other ids, "story-<hash>" when there is no usable id; "-2", "-3"... if already taken."""
    article = re.sub(r"[^A-Za-z0-9._:-]+", "_", f.article_id or "")[:80]
    if f.lineage:
        base = f"yonhap-{article}"
    elif article:
        base = f"wire-{article}"
    else:
        base = "story-" + hashlib.sha1(f.key.encode()).hexdigest()[:12]
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass
class AssignResult:
    stories: dict[str, str]  # revision key -> story id
    notes: dict[str, str]  # revision key -> why it is odd (bad input), where it is
    merges: list[tuple[str, str, str]]  # (merged story, into story, reason)
    comparisons: int = 0


def _sort_key(f: Features):
    return (f.published is None, f.published or 0.0, f.key)


def assign(index, revisions) -> AssignResult:
    """Give each revision a story using `index` (MemoryIndex or PostgresIndex) and record it there."""
    feats: list[Features] = []
    notes: dict[str, str] = {}
    for rev in revisions:
        try:
            f = extract(rev)
        except Exception as exc:  # odd input must not stop the night: a singleton, with the reason
            log.warning("features failed for %s: %r", getattr(rev, "key", "?"), exc)
            f = Features(key=str(rev.key), article_id="", problem=f"feature_error: {type(exc).__name__}")
        if f.problem:
            notes[f.key] = f.problem
        feats.append(f)
    feats.sort(key=_sort_key)
    created: set[str] = set()
    merges: list[tuple[str, str, str]] = []
    comparisons = 0
    for f in feats:
        if index.story_of(f.key) is not None:  # already grouped (a rerun): keep it
            continue
        candidates = index.candidates(f)
        candidates.pop(f.key, None)
        comparisons += len(candidates)
        linked: dict[str, list[str]] = {}
        for other in candidates.values():
            ok, why = compare(f, other)
            if ok:
                linked.setdefault(other.story_id, []).append(f"{other.article_id}: {why}")
        if not linked:
            story = new_story_id(f, index.story_taken)
            created.add(story)
        else:
            ids = sorted(linked, key=lambda s: (s in created, s))  # stories stored earlier survive
            story = ids[0]
            for other_story in ids[1:]:
                reason = (f"revision {f.article_id or f.key} links {story} ({linked[story][0]}) "
                          f"and {other_story} ({linked[other_story][0]})")
                index.merge(other_story, story, reason)
                merges.append((other_story, story, reason))
                created.discard(other_story)
        index.add(f, story)
    stories = index.stories_of([f.key for f in feats])
    return AssignResult(stories=stories, notes=notes, merges=merges, comparisons=comparisons)
