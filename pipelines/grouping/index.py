"""Candidate indexes: where grouping finds the few stored revisions worth comparing, and what it
knows about each story as a whole.

Two implementations behind one interface, used by the same `assign` loop:
- `MemoryIndex`: dictionaries; for the CLI, the evaluation and tests.
- `PostgresIndex`: the tables of sql/003_grouping.sql and sql/007_grouping_v2.sql inside the
  caller's transaction; for the DAG and the benchmark. It never commits or rolls back.

Interface: candidates(features) -> ({revision key: Features}, boilerplate keys); add(features,
story_id); story(story_id) -> (StoryInfo, representative Features); story_of(key); stories_of(keys);
story_taken(story_id); merge(from_story, into_story, reason).

Lookup rule (both): a stored revision is a candidate when it shares a "near" key (sketch hashes of
top paragraphs, body, headline) and was published within WINDOW_DAYS days (or either date is
unknown), or shares an "anywhere" key (article id, Yonhap id lineage) at any date. A near key held
by more than STOP_DF revisions inside the window is boilerplate (a wire formula, page chrome, a
templated item's fixed text): it finds no candidates and its hash is not counted as shared text
when revisions are compared (document frequency, read off the bounded posting list). So a lookup
reads at most STOP_DF + 1 rows per near key and POSTING_LIMIT per anywhere key, however many
stored revisions share a phrase, and compares at most MAX_CANDIDATES near-key candidates (those
sharing the most keys, weighted by rarity) plus the revisions sharing its article id or id lineage.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from pipelines.grouping.features import Features

WINDOW_DAYS = 2
STOP_DF = 24  # a near key held by more revisions than this within the window is boilerplate
CAPS_DF = 8  # a name or headline word in more revisions than this within the window is no story's specific


def common_hashes(f: Features, counts: dict[int, int]) -> set[int]:
    """f's boilerplate hashes given their document frequency within the window."""
    caps = set(f.caps_top) | f.headline_hashes
    return {h for h, n in counts.items() if n > (CAPS_DF if h in caps else STOP_DF)}
POSTING_LIMIT = 64  # rows read per anywhere key (article id, id lineage)
RECENT = 3  # latest members kept per story as representatives (plus the first one)
MAX_CANDIDATES = 16  # near-key candidates compared per revision: those sharing the most keys


def best_candidates(shared: dict[str, float]) -> list[str]:
    """The MAX_CANDIDATES stored revisions sharing the most near keys with the new one, each key
    weighted by how few revisions hold it (a key two revisions share says more than a formula's)."""
    return sorted(shared, key=lambda k: (-shared[k], k))[:MAX_CANDIDATES]


@dataclass
class StoryInfo:
    """A story as a whole, kept up to date incrementally (O(1) per added revision)."""

    story_id: str
    size: int = 0
    first: tuple[float, str] | None = None  # (published or +inf, rev key) of the earliest member
    recent: list[tuple[float, str]] = field(default_factory=list)  # the RECENT latest members, latest first
    lineages: dict[str, bool] = field(default_factory=dict)  # id lineage -> all its members are flashes
    earliest: float | None = None
    latest: float | None = None

    def representatives(self) -> list[str]:
        keys = [k for _, k in self.recent]
        if self.first and self.first[1] not in keys:
            keys.append(self.first[1])
        return keys

    def latest_key(self) -> str | None:
        return self.recent[0][1] if self.recent else None

    def with_member(self, f: Features) -> "StoryInfo":
        when = f.published if f.published is not None else float("-inf")
        first_when = f.published if f.published is not None else float("inf")
        first = self.first if self.first and self.first <= (first_when, f.key) else (first_when, f.key)
        recent = sorted(self.recent + [(when, f.key)], reverse=True)[:RECENT]
        lineages = dict(self.lineages)
        if f.lineage:
            lineages[f.lineage] = lineages.get(f.lineage, True) and f.flash
        times = [t for t in (self.earliest, self.latest, f.published) if t is not None]
        return StoryInfo(self.story_id, self.size + 1, first, recent, lineages,
                         min(times) if times else None, max(times) if times else None)

    def merged_with(self, other: "StoryInfo") -> "StoryInfo":
        firsts = [x for x in (self.first, other.first) if x]
        lineages = dict(self.lineages)
        for lineage, all_flash in other.lineages.items():
            lineages[lineage] = lineages.get(lineage, True) and all_flash
        times = [t for t in (self.earliest, self.latest, other.earliest, other.latest) if t is not None]
        return StoryInfo(self.story_id, self.size + other.size, min(firsts) if firsts else None,
                         sorted(self.recent + other.recent, reverse=True)[:RECENT], lineages,
                         min(times) if times else None, max(times) if times else None)


def _window(day: int | None, other: int | None) -> bool:
    return day is None or other is None or abs(other - day) <= WINDOW_DAYS


class MemoryIndex:
    def __init__(self):
        self.revisions: dict[str, Features] = {}
        self.near: dict[int, dict[int | None, list[str]]] = {}  # key -> day -> rev keys (capped)
        self.anywhere: dict[int, list[str]] = {}
        self.story_members: dict[str, set[str]] = {}
        self.infos: dict[str, StoryInfo] = {}
        self.merged: dict[str, tuple[str, str]] = {}  # merged story -> (into, reason)
        self.df: dict[int | None, dict[int, int]] = {}  # day -> sketch hash -> revisions holding it
        self.latest_day: int | None = None
        self.lookups = 0

    def _common(self, f: Features) -> set[int]:
        if f.day is None:
            days = list(self.df)
        else:
            days = [d for d in range(f.day - WINDOW_DAYS, f.day + WINDOW_DAYS + 1) if d in self.df] + \
                   ([None] if None in self.df else [])
        counts = [self.df[d] for d in days]
        return common_hashes(f, {h: sum(c.get(h, 0) for c in counts) for h in f.df_hashes()})

    def candidates(self, f: Features) -> tuple[dict[str, Features], set[int]]:
        self.lookups += 1
        near_keys, anywhere_keys = f.index_keys()
        day = f.day
        shared: dict[str, float] = {}
        common: set[int] = set()
        for key in near_keys:
            buckets = self.near.get(key)
            if not buckets:
                continue
            days = buckets.keys() if day is None else [d for d in range(day - WINDOW_DAYS, day + WINDOW_DAYS + 1)] + [None]
            hits: list[str] = []
            for d in days:
                hits += buckets.get(d, ())
                if len(hits) > STOP_DF:
                    break
            if len(hits) > STOP_DF:
                common.add(key)
            else:
                for rev_key in hits:
                    shared[rev_key] = shared.get(rev_key, 0.0) + 1.0 / len(hits)
        shared.pop(f.key, None)
        found = set(best_candidates(shared))
        for key in anywhere_keys:
            found.update(self.anywhere.get(key, ())[:POSTING_LIMIT])
        found.discard(f.key)
        return {k: self.revisions[k] for k in sorted(found)}, common | self._common(f)

    def add(self, f: Features, story_id: str) -> None:
        f = replace(f, story_id=story_id)
        self.revisions[f.key] = f
        near_keys, anywhere_keys = f.index_keys()
        for key in near_keys:
            bucket = self.near.setdefault(key, {}).setdefault(f.day, [])
            if len(bucket) <= STOP_DF:  # beyond that the key is boilerplate on that day: no need to hold more
                bucket.append(f.key)
        for key in anywhere_keys:
            posting = self.anywhere.setdefault(key, [])
            if len(posting) < POSTING_LIMIT:
                posting.append(f.key)
        self.story_members.setdefault(story_id, set()).add(f.key)
        self.infos[story_id] = self.infos.get(story_id, StoryInfo(story_id)).with_member(f)
        counts = self.df.setdefault(f.day, {})
        for h in f.df_hashes():
            counts[h] = counts.get(h, 0) + 1
        if f.day is not None and (self.latest_day is None or f.day > self.latest_day):
            self.latest_day = f.day  # counts of days long past are no longer looked up: drop them
            for day in [d for d in self.df if d is not None and d < f.day - 4 * WINDOW_DAYS]:
                del self.df[day]

    def story(self, story_id: str) -> tuple[StoryInfo, list[Features]]:
        info = self.infos[story_id]
        return info, [self.revisions[k] for k in info.representatives()]

    def story_of(self, key: str) -> str | None:
        f = self.revisions.get(key)
        return f.story_id if f else None

    def stories_of(self, keys) -> dict[str, str]:
        return {k: self.revisions[k].story_id for k in keys if k in self.revisions}

    def story_taken(self, story_id: str) -> bool:
        return story_id in self.story_members or story_id in self.merged

    def merge(self, from_story: str, into_story: str, reason: str) -> None:
        for key in self.story_members.pop(from_story, set()):
            self.revisions[key] = replace(self.revisions[key], story_id=into_story)
            self.story_members.setdefault(into_story, set()).add(key)
        self.infos[into_story] = self.infos[into_story].merged_with(self.infos.pop(from_story))
        self.merged[from_story] = (into_story, reason)


_COLUMNS = ("rev_key", "story_id", "article_id", "lineage", "published", "date_only", "headline", "part", "digest",
            "section", "dateline", "body_size", "body_sketch", "para_sketches", "para_sizes", "problem", "flash",
            "edition", "kst_day", "persons", "caps_lead", "caps_top", "numbers")


def _features_from_row(row) -> Features:
    (key, story_id, article_id, lineage, published, date_only, headline, part, digest, section, dateline,
     body_size, body_sketch, para_sketches, para_sizes, problem, flash, edition, kst_day, persons, caps_lead,
     caps_top, numbers) = row
    return Features(key=key, story_id=story_id, article_id=article_id, lineage=lineage, published=published,
                    date_only=date_only, headline=headline, part=part, digest=digest, section=section,
                    dateline=dateline, body_size=body_size, body_sketch=list(body_sketch or []),
                    para_sketches=para_sketches or [], para_sizes=list(para_sizes or []), problem=problem,
                    flash=bool(flash), edition=edition, kst_day=kst_day, persons=list(persons or []),
                    caps_lead=list(caps_lead or []), caps_top=list(caps_top or []), numbers=list(numbers or []))


def copy_rows_revisions(f: Features, story_id: str) -> tuple:
    """One grouping_revisions row in _COLUMNS order (as Python values)."""
    return (f.key, story_id, f.article_id, f.lineage, f.published, f.date_only, f.headline, f.part, f.digest,
            f.section, f.dateline, f.body_size, f.body_sketch, json.dumps(f.para_sketches), f.para_sizes, f.problem,
            f.flash, f.edition, f.kst_day, f.persons, f.caps_lead, f.caps_top, f.numbers)


def _info_from_row(row) -> StoryInfo:
    story_id, size, first_key, first_published, recent_keys, recent_published, lineages, earliest, latest = row
    first = (first_published if first_published is not None else float("inf"), first_key) if first_key else None
    recent = [(p if p is not None else float("-inf"), k) for k, p in zip(recent_keys or [], recent_published or [])]
    return StoryInfo(story_id, size, first, recent, dict(lineages or {}), earliest, latest)


def _info_row(info: StoryInfo) -> dict:
    finite = (lambda x: x if x not in (float("inf"), float("-inf")) else None)
    return {"story": info.story_id, "size": info.size,
            "first_key": info.first[1] if info.first else None,
            "first_published": finite(info.first[0]) if info.first else None,
            "recent_keys": [k for _, k in info.recent], "recent_published": [finite(p) for p, _ in info.recent],
            "lineages": json.dumps(info.lineages), "earliest": info.earliest, "latest": info.latest}


class PostgresIndex:
    """The index in PostgreSQL (tables grouping_revisions, grouping_keys, grouping_stories).

    Merges also re-point the core tables in the same transaction: story_revisions.story_id,
    story_merges (a row per merge; earlier merges into the merged story follow it) and the merged
    story's `stories` row is deleted (the surviving row is created if the caller has not yet)."""

    def __init__(self, conn, source: str = "yonhap"):
        self.conn = conn
        self.source = source
        self.lookups = 0
        self._core = None
        self._infos: dict[str, StoryInfo | None] = {}  # this transaction's story rows, as last written

    def _has_core(self, cur) -> bool:
        if self._core is None:
            cur.execute("SELECT to_regclass('story_merges') IS NOT NULL AND to_regclass('stories') IS NOT NULL")
            self._core = cur.fetchone()[0]
        return self._core

    def candidates(self, f: Features) -> tuple[dict[str, Features], set[int]]:
        self.lookups += 1
        near_keys, anywhere_keys = f.index_keys()
        day = f.day
        with self.conn.cursor() as cur:
            cur.execute("""
                SELECT k.key, false, c.rev_key FROM unnest(%(near)s::bigint[]) AS k(key)
                CROSS JOIN LATERAL (
                    SELECT rev_key FROM grouping_keys gk
                    WHERE gk.key = k.key AND gk.anywhere = false
                      AND (%(day)s::int IS NULL OR gk.day IS NULL OR gk.day BETWEEN %(lo)s AND %(hi)s)
                    LIMIT %(stop)s) c
                UNION ALL
                SELECT k.key, true, c.rev_key FROM unnest(%(anywhere)s::bigint[]) AS k(key)
                CROSS JOIN LATERAL (
                    SELECT rev_key FROM grouping_keys gk WHERE gk.key = k.key AND gk.anywhere = true
                    LIMIT %(limit)s) c""",
                        {"near": near_keys, "anywhere": anywhere_keys, "day": day,
                         "lo": None if day is None else day - WINDOW_DAYS,
                         "hi": None if day is None else day + WINDOW_DAYS, "stop": STOP_DF + 1,
                         "limit": POSTING_LIMIT})
            hits: dict[tuple[int, bool], list[str]] = {}
            for key, anywhere, rev_key in cur.fetchall():
                hits.setdefault((key, anywhere), []).append(rev_key)
            common = {key for (key, anywhere), revs in hits.items() if not anywhere and len(revs) > STOP_DF}
            cur.execute("""SELECT hash, sum(n) FROM grouping_hash_df
                           WHERE hash = ANY(%(hashes)s::bigint[])
                             AND (%(day)s::int IS NULL OR day = -1 OR day BETWEEN %(lo)s AND %(hi)s)
                           GROUP BY hash HAVING sum(n) > %(caps)s""",
                        {"hashes": f.df_hashes(), "day": day, "lo": None if day is None else day - WINDOW_DAYS,
                         "hi": None if day is None else day + WINDOW_DAYS, "caps": min(CAPS_DF, STOP_DF)})
            common |= common_hashes(f, dict(cur.fetchall()))
            shared: dict[str, float] = {}
            for (key, anywhere), revs in hits.items():
                if not anywhere and key not in common:
                    for rev_key in revs:
                        shared[rev_key] = shared.get(rev_key, 0.0) + 1.0 / len(revs)
            shared.pop(f.key, None)
            found = set(best_candidates(shared))
            found.update(r for (key, anywhere), revs in hits.items() if anywhere for r in revs)
            found.discard(f.key)
            if not found:
                return {}, common
            cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM grouping_revisions WHERE rev_key = ANY(%s) ORDER BY rev_key",
                        (sorted(found),))
            return {row[0]: _features_from_row(row) for row in cur.fetchall()}, common

    def _info(self, cur, story_id: str) -> StoryInfo | None:
        if story_id in self._infos:
            return self._infos[story_id]
        cur.execute("""SELECT story_id, size, first_key, first_published, recent_keys, recent_published, lineages,
                              earliest, latest FROM grouping_stories WHERE story_id = %s""", (story_id,))
        row = cur.fetchone()
        self._infos[story_id] = _info_from_row(row) if row else None
        return self._infos[story_id]

    def _save_info(self, cur, info: StoryInfo) -> None:
        self._infos[info.story_id] = info
        cur.execute("""INSERT INTO grouping_stories (story_id, size, first_key, first_published, recent_keys,
                                                     recent_published, lineages, earliest, latest)
                       VALUES (%(story)s, %(size)s, %(first_key)s, %(first_published)s, %(recent_keys)s,
                               %(recent_published)s::double precision[], %(lineages)s::jsonb, %(earliest)s, %(latest)s)
                       ON CONFLICT (story_id) DO UPDATE SET size = EXCLUDED.size, first_key = EXCLUDED.first_key,
                           first_published = EXCLUDED.first_published, recent_keys = EXCLUDED.recent_keys,
                           recent_published = EXCLUDED.recent_published, lineages = EXCLUDED.lineages,
                           earliest = EXCLUDED.earliest, latest = EXCLUDED.latest""", _info_row(info))

    def story(self, story_id: str) -> tuple[StoryInfo, list[Features]]:
        with self.conn.cursor() as cur:
            info = self._info(cur, story_id) or StoryInfo(story_id)
            cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM grouping_revisions WHERE rev_key = ANY(%s)",
                        (info.representatives(),))
            by_key = {row[0]: _features_from_row(row) for row in cur.fetchall()}
        return info, [by_key[k] for k in info.representatives() if k in by_key]

    def add(self, f: Features, story_id: str) -> None:
        near_keys, anywhere_keys = f.index_keys()
        with self.conn.cursor() as cur:
            cur.execute(f"""INSERT INTO grouping_revisions ({", ".join(_COLUMNS)})
                            VALUES ({", ".join(["%s"] * 13)}, %s::jsonb, %s, %s, %s, %s, %s, %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])""",
                        copy_rows_revisions(f, story_id))
            cur.execute("""INSERT INTO grouping_keys (key, anywhere, day, rev_key)
                           SELECT k, false, %(day)s::int, %(rev)s FROM unnest(%(near)s::bigint[]) k
                           UNION ALL SELECT k, true, %(day)s::int, %(rev)s FROM unnest(%(anywhere)s::bigint[]) k""",
                        {"day": f.day, "rev": f.key, "near": near_keys, "anywhere": anywhere_keys})
            info = self._info(cur, story_id) or StoryInfo(story_id)
            self._save_info(cur, info.with_member(f))
            cur.execute("""INSERT INTO grouping_hash_df (hash, day, n)
                           SELECT h, %(day)s, 1 FROM unnest(%(hashes)s::bigint[]) h
                           ON CONFLICT (hash, day) DO UPDATE SET n = grouping_hash_df.n + 1""",
                        {"hashes": f.df_hashes(), "day": f.day if f.day is not None else -1})

    def story_of(self, key: str) -> str | None:
        with self.conn.cursor() as cur:
            cur.execute("SELECT story_id FROM grouping_revisions WHERE rev_key = %s", (key,))
            row = cur.fetchone()
        return row[0] if row else None

    def stories_of(self, keys) -> dict[str, str]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT rev_key, story_id FROM grouping_revisions WHERE rev_key = ANY(%s)", (list(keys),))
            return dict(cur.fetchall())

    def story_taken(self, story_id: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM grouping_revisions WHERE story_id = %s)", (story_id,))
            if cur.fetchone()[0]:
                return True
            if self._has_core(cur):
                cur.execute("""SELECT EXISTS (SELECT 1 FROM stories WHERE story_id = %(s)s)
                                   OR EXISTS (SELECT 1 FROM story_merges WHERE merged_story_id = %(s)s)""",
                            {"s": story_id})
                return cur.fetchone()[0]
            return False

    def merge(self, from_story: str, into_story: str, reason: str) -> None:
        with self.conn.cursor() as cur:
            into, merged = self._info(cur, into_story), self._info(cur, from_story)
            if into and merged:
                self._save_info(cur, into.merged_with(merged))
            cur.execute("DELETE FROM grouping_stories WHERE story_id = %s", (from_story,))
            self._infos[from_story] = None
            cur.execute("UPDATE grouping_revisions SET story_id = %s WHERE story_id = %s", (into_story, from_story))
            cur.execute("INSERT INTO grouping_merges (merged_story_id, into_story_id, reason) VALUES (%s, %s, %s)",
                        (from_story, into_story, reason))
            if not self._has_core(cur):
                return
            cur.execute("INSERT INTO stories (story_id, source) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                        (into_story, self.source))
            cur.execute("UPDATE story_revisions SET story_id = %s WHERE story_id = %s", (into_story, from_story))
            cur.execute("UPDATE story_merges SET into_story_id = %s WHERE into_story_id = %s", (into_story, from_story))
            cur.execute("""INSERT INTO story_merges (merged_story_id, into_story_id, reason) VALUES (%s, %s, %s)
                           ON CONFLICT (merged_story_id) DO UPDATE SET into_story_id = EXCLUDED.into_story_id,
                               reason = EXCLUDED.reason, merged_at = now()""", (from_story, into_story, reason))
            cur.execute("DELETE FROM stories WHERE story_id = %s", (from_story,))

    def backfill_from_core(self) -> int:
        """Index revisions grouped before this grouper existed (the first version's lineage ids),
        keeping their story ids. Runs once: only when the index is empty and grouped rows exist."""
        from pipelines.grouping import Revision
        from pipelines.grouping.features import extract

        with self.conn.cursor() as cur:
            if not self._has_core(cur):
                return 0
            cur.execute("SELECT EXISTS (SELECT 1 FROM grouping_revisions)")
            if cur.fetchone()[0]:
                return 0
            cur.execute("""SELECT revision_id, article_id, url, headline, published_at, body_paragraphs, revision_label,
                                  revision_no, attn, dateline, section, story_id
                           FROM story_revisions WHERE story_id IS NOT NULL ORDER BY revision_id""")
            rows = cur.fetchall()
        for row in rows:
            rev = Revision(key=str(row[0]), article_id=row[1], url=row[2], headline=row[3], published_at=row[4],
                           body_paragraphs=row[5] or [], revision_label=row[6], revision_no=row[7] or 0,
                           attn=row[8], dateline=row[9], section=row[10])
            self.add(extract(rev), row[11])
        return len(rows)
