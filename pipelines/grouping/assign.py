"""The grouping decision and the assignment loop, shared by the DAG, the CLI, the evaluation and
the benchmark (only the index behind it differs).

`compare` says whether two revisions are revisions of one story (pairwise evidence). A story is NOT
a connected component of such links - one link to any member would let shared wire formulae,
templated daily items or page chrome chain distinct stories into one blob. Instead a new revision
joins a story on evidence against the story as a whole (`story_verdict`): no conflicting Yonhap id
lineage among its members, within the story's time span, and a link to its member nearest in time
(the latest one for a later revision) or to most of its representatives (first and latest members). A revision that qualifies for two stories
merges them only on stronger evidence (`mergeable`: a revision of more than one paragraph, a link to
each story's nearest member or its id lineage, no conflicting lineages between the stories, the
merged story within size and span bounds); the
merge is recorded (`story_merges` in PostgreSQL). A revision never links more than
MAX_LINKED_STORIES stories.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from pipelines.grouping.features import BODY_SKETCH, PARA_SKETCH, Features, containment, extract, without_common

log = logging.getLogger(__name__)

# Thresholds (tuned on the tuning split of pipelines.grouping.evaluate; see its output).
MAX_GAP_HOURS = 36.0  # content-only links need publication times closer than this (when known)
RECAST_GAP_HOURS = 20.0  # a recast lead with kept body: within this gap (a follow-up next day is ~24 h)
LEAD_GAP_HOURS = 18.0
FLASH_GAP_HOURS = 3.0
LINEAGE_VETO_HOURS = 72.0  # same id lineage but unrelated text this far apart: a reused serial
MAX_STORY_SPAN_HOURS = 72.0  # a story (first to last revision) never spans more than this
MAX_LINKED_STORIES = 4  # a revision linking more stories than this is a hub (boilerplate): it joins one, merges none
MAX_MERGED_SIZE = 24  # two stories are never merged into one larger than this


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


def lead_similarity(a: Features, b: Features, common=frozenset()) -> float:
    """How far one revision's lead survives near the top of the other (either direction):
    best containment between a lead paragraph and one of the other's top three paragraphs."""
    best = 0.0
    for i, (sa, na) in enumerate(zip(a.para_sketches[:3], a.para_sizes[:3])):
        sa, na = without_common(sa, na, common)
        for j, (sb, nb) in enumerate(zip(b.para_sketches[:3], b.para_sizes[:3])):
            if i and j:
                continue
            sb, nb = without_common(sb, nb, common)
            best = max(best, containment(sa, na, sb, nb, PARA_SKETCH)[0])
    return best


def evidence(a: Features, b: Features, common=frozenset()) -> Evidence:
    """The pairwise evidence; hashes in `common` (boilerplate: held by many stored revisions) never count."""
    sa, na = without_common(a.body_sketch, a.body_size, common)
    sb, nb = without_common(b.body_sketch, b.body_size, common)
    c, j = containment(sa, na, sb, nb, BODY_SKETCH)
    return Evidence(c, j, lead_similarity(a, b, common), headline_similarity(a, b), gap_hours(a, b))


def specifics_kept(names: list[int], other: list[int]) -> float:
    """Share of `names` (capitalised words of a lead) found among `other` (1.0 when there are none)."""
    if not names:
        return 1.0
    kept = set(other)
    return sum(1 for n in names if n in kept) / len(names)


def different_specifics(a: Features, b: Features, common=frozenset()) -> str | None:
    """Why two revisions are different stories by what a reader sees: other people named, none of
    the same figures, or neither lead's names found in the other's top paragraphs. None when nothing
    says so."""
    if a.persons and b.persons and not set(a.persons) & set(b.persons):
        return "different people named"
    fewest = min(len(a.numbers), len(b.numbers))
    shared = len(set(a.numbers) & set(b.numbers))
    if (fewest >= 2 and shared == 0) or (fewest >= 6 and shared <= fewest // 4):  # a revision updates some, not all
        return "different figures"
    for only_rare in (False, True):  # names many revisions carry are formulae: also judged without them
        lead_a = [c for c in a.caps_lead if not (only_rare and c in common)]
        lead_b = [c for c in b.caps_lead if not (only_rare and c in common)]
        if lead_a and lead_b and max(specifics_kept(lead_a, b.caps_top), specifics_kept(lead_b, a.caps_top)) < 0.5:
            return "different names and places in the leads"
    # Each lead names someone or somewhere the other's top paragraphs never mention ("a fire in
    # Jeongeup" / "a fire in Chungju"): two events. A later revision keeps the earlier lead's names.
    if specifics_kept(a.caps_lead, b.caps_top) < 1.0 and specifics_kept(b.caps_lead, a.caps_top) < 1.0:
        return "each lead names what the other does not"
    return None


def headlines_share_nothing_specific(a: Features, b: Features, common) -> bool:
    """Both headlines have words few stored revisions use, and share none of them: what they share is
    the formula ("... exports rise ... in September"), not the story."""
    rare_a = a.headline_hashes - common
    rare_b = b.headline_hashes - common
    return bool(rare_a) and bool(rare_b) and not rare_a & rare_b


def lineage_conflict(x: str | None, y: str | None) -> bool:
    """Two Yonhap id lineages with the same id date and different serials: different stories
    (unless a named rule says otherwise: the (URGENT) flash under its own serial)."""
    if not x or not y or x == y:
        return False
    dx, sx, _ = x.split("-")
    dy, sy, _ = y.split("-")
    return dx == dy and sx != sy


def is_flash_of(a: Features, b: Features, ev: Evidence, common=frozenset()) -> bool:
    """Named rule "flash under its own serial": an (URGENT) flash, one paragraph, soon followed by the
    full story, which keeps the flash's sentence in its lead or rewrites it but keeps its headline's gist."""
    short, full = (a, b) if len(a.para_sizes) <= len(b.para_sizes) else (b, a)
    flash = short.flash and len(short.para_sizes) <= 1 < len(full.para_sizes)  # a flash joins a full story
    if not flash or ev.gap_hours is None or ev.gap_hours > FLASH_GAP_HOURS:
        return False
    if different_specifics(a, b, common) or headlines_share_nothing_specific(a, b, common):
        return False
    if specifics_kept(short.caps_lead, full.caps_top) < 0.75:  # the full story names what the flash names
        return False
    return (ev.headline >= 0.6 and ev.body_containment >= 0.3) or ev.lead >= 0.8


def compare(a: Features, b: Features, common=frozenset()) -> tuple[bool, str]:
    """Are `a` and `b` revisions of one story? (decision, the evidence in words). Symmetric.
    `common`: boilerplate hashes that do not count as shared text."""
    if a.article_id and a.article_id == b.article_id:
        return True, "same article id"
    if not a.article_id or not b.article_id:
        return False, "missing article id"
    if "no_headline_no_body" in (a.problem, b.problem):
        return False, "nothing to compare"
    if a.part and b.part and a.part != b.part:
        return False, f"different parts -{a.part}/-{b.part}"
    ev = evidence(a, b, common)
    gap = ev.gap_hours
    facts = (f"body {ev.body_containment:.2f}/{ev.body_jaccard:.2f} lead {ev.lead:.2f} "
             f"headline {ev.headline:.2f} gap {'?' if gap is None else f'{gap:.1f}h'}")
    if a.lineage and a.lineage == b.lineage:
        if gap is not None and gap > LINEAGE_VETO_HOURS and ev.body_containment < 0.2 and ev.headline < 0.3:
            return False, f"same id lineage but unrelated and far apart ({facts})"
        return True, f"id lineage ({facts})"
    if lineage_conflict(a.lineage, b.lineage):
        if is_flash_of(a, b, ev, common):
            return True, f"flash under its own serial ({facts})"
        return False, f"different id serials ({a.lineage} / {b.lineage})"
    if a.digest != b.digest:
        return False, "summary item vs story"
    if (a.edition or b.edition) and a.edition and b.edition and a.edition != b.edition:
        return False, f"different templated items ({a.edition} / {b.edition})"
    if (a.edition or b.edition) and a.kst_day is not None and b.kst_day is not None and a.kst_day != b.kst_day:
        return False, f"different editions of a daily item ({facts})"
    if gap is not None and gap > MAX_GAP_HOURS:
        return False, f"too far apart ({facts})"
    raw = evidence(a, b) if common else ev  # boilerplate left in: "keeps all the text" must hold on the whole text
    apart = None if raw.body_containment >= 0.95 and raw.lead >= 0.95 else different_specifics(a, b, common)
    if apart:  # (a revision that keeps all of the other's text and lead is its revision, whatever it names)
        return False, f"{apart} ({facts})"
    if min(len(a.para_sizes), len(b.para_sizes)) == 1 and ev.body_jaccard < 0.6:
        short, full = (a, b) if len(a.para_sizes) == 1 else (b, a)
        if specifics_kept(short.caps_lead, full.caps_top) < 1.0:  # too little text to link on otherwise
            return False, f"a one-paragraph item whose names the other lacks ({facts})"
        if gap is not None and gap > 2 * FLASH_GAP_HOURS:  # a flash is followed by its story within hours
            return False, f"a one-paragraph item hours away ({facts})"
    if not a.body_size or not b.body_size:
        close = gap is not None and gap <= (6 if not a.body_size and not b.body_size else 12)
        ok = close and ev.headline >= 0.85 and min(len(a.headline_words), len(b.headline_words)) >= 4
        return ok, f"headline only ({facts})"
    if gap is not None and gap > RECAST_GAP_HOURS:  # a day apart: only a revision that keeps nearly all
        ok = ev.body_containment >= 0.8 and ev.lead >= 0.7
        return ok, f"{'keeps text and lead' if ok else 'different'}, a day apart ({facts})"
    if ev.body_jaccard >= 0.6:
        return True, f"near-duplicate body ({facts})"
    if ev.body_containment < 0.8 and headlines_share_nothing_specific(a, b, common):
        return False, f"headlines share only common words, body not kept ({facts})"
    if ev.body_containment >= 0.5 and ev.lead >= 0.5:
        return True, f"keeps earlier text and lead ({facts})"
    if ev.body_containment >= 0.7 and ev.body_jaccard >= 0.4:
        return True, f"keeps earlier text, lead recast ({facts})"
    if ev.lead >= 0.6 and (ev.headline >= 0.3 or ev.body_containment >= 0.3) and gap is not None \
            and gap <= LEAD_GAP_HOURS:
        return True, f"same lead ({facts})"
    # An (URGENT) flash: one paragraph, soon followed by the full story, which rewrites the flash's
    # sentence but keeps its headline's gist.
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


@dataclass(frozen=True)
class Verdict:
    join: bool
    strong: bool  # links the story's member nearest in time or shares its id lineage: enough to merge on
    score: tuple  # to pick the best story among several
    reason: str


def _span_ok(info, f: Features) -> bool:
    times = [t for t in (info.earliest, info.latest, f.published) if t is not None]
    return not times or (max(times) - min(times)) / 3600 <= MAX_STORY_SPAN_HOURS


def story_verdict(f: Features, info, reps: list[Features], decided: dict[str, tuple[bool, str]], common) -> Verdict:
    """Does `f` join the story described by `info` (a StoryInfo) and its representative members?"""
    if f.lineage:
        for lineage, all_flash in info.lineages.items():
            if lineage_conflict(f.lineage, lineage) and not (all_flash or f.flash):
                return Verdict(False, False, (), f"id serial {f.lineage} differs from the story's {lineage}")
    if not _span_ok(info, f):
        return Verdict(False, False, (), "the story would span more than "
                                         f"{MAX_STORY_SPAN_HOURS:.0f} h")
    same_lineage = bool(f.lineage and f.lineage in info.lineages)
    results = {}
    for rep in reps:
        results[rep.key] = decided[rep.key] if rep.key in decided else compare(f, rep, common)
    # The member nearest in time (the latest for a later revision, the first for an earlier one).
    nearest = min(reps, key=lambda r: (abs((r.published or 0.0) - (f.published or 0.0))
                                       if r.published is not None and f.published is not None else float("inf"),
                                       r.key != info.latest_key()), default=None)
    ok_latest = nearest is not None and results[nearest.key][0]
    n_ok = sum(1 for ok, _ in results.values() if ok)
    majority = bool(results) and 2 * n_ok >= len(results)
    join = same_lineage or ok_latest or majority
    why = next((w for ok, w in results.values() if ok), "id lineage")
    # A link to a flash is too little to merge a story on - unless the story is that lone flash.
    strong = same_lineage or (ok_latest and (len(nearest.para_sizes) > 1 or info.size == 1))
    return Verdict(join, strong, (same_lineage, ok_latest, n_ok / max(1, len(results))), why)


def mergeable(a_info, b_info) -> bool:
    """Two established stories may become one only within the bounds and without conflicting serials."""
    if a_info.size + b_info.size > MAX_MERGED_SIZE:
        return False
    times = [t for t in (a_info.earliest, a_info.latest, b_info.earliest, b_info.latest) if t is not None]
    if times and (max(times) - min(times)) / 3600 > MAX_STORY_SPAN_HOURS:
        return False
    for la, fa in a_info.lineages.items():
        for lb, fb in b_info.lineages.items():
            if lineage_conflict(la, lb) and not (fa or fb):
                return False
    return True


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
    done = index.stories_of([f.key for f in feats])  # already grouped (a rerun): keep their stories
    for f in feats:
        if f.key in done:
            continue
        candidates, common = index.candidates(f)
        candidates.pop(f.key, None)
        comparisons += len(candidates)
        decided: dict[str, tuple[bool, str]] = {}
        linked: dict[str, int] = {}
        for other in candidates.values():
            decided[other.key] = compare(f, other, common)
            if decided[other.key][0]:
                linked[other.story_id] = linked.get(other.story_id, 0) + 1
        if len(linked) > MAX_LINKED_STORIES:  # a hub: keep the best-linked few, never merge through it
            notes.setdefault(f.key, f"links {len(linked)} stories: joins at most one, merges none")
            linked = dict(sorted(linked.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_LINKED_STORIES])
            hub = True
        else:
            hub = False
        verdicts = {}
        for story_id in sorted(linked):
            info, reps = index.story(story_id)
            comparisons += sum(1 for r in reps if r.key not in decided)
            verdict = story_verdict(f, info, reps, decided, common)
            if verdict.join:
                verdicts[story_id] = (verdict, info)
        if not verdicts:
            story = new_story_id(f, index.story_taken)
            created.add(story)
        else:
            # the best evidence wins; on a tie the story stored earlier
            ranked = sorted(verdicts, key=lambda s: (tuple(-x for x in verdicts[s][0].score), s in created, s))
            story = ranked[0]
            best, info = verdicts[story]
            for other_story in ranked[1:]:
                other, other_info = verdicts[other_story]
                if hub or len(f.para_sizes) < 2 or not (best.strong and other.strong) or not mergeable(info, other_info):
                    continue
                into, merged = sorted([story, other_story], key=lambda s: (s in created, s))
                reason = (f"revision {f.article_id or f.key} joins {story} ({best.reason}) "
                          f"and {other_story} ({other.reason})")
                index.merge(merged, into, reason)
                merges.append((merged, into, reason))
                created.discard(merged)
                info = info.merged_with(other_info)
                story = into
                break  # at most one merge per revision
        index.add(f, story)
    stories = index.stories_of([f.key for f in feats])
    return AssignResult(stories=stories, notes=notes, merges=merges, comparisons=comparisons)
