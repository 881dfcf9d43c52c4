"""Candidate indexes: where grouping finds the few stored revisions worth comparing.

Two implementations behind one interface, used by the same `assign` loop:
- `MemoryIndex`: dictionaries; for the CLI, the evaluation and tests.
- `PostgresIndex`: the tables of sql/003_grouping.sql inside the caller's transaction; for the DAG
  and the benchmark. It never commits or rolls back.

Interface: candidates(features) -> {revision key: Features}; add(features, story_id);
story_of(key); stories_of(keys); story_taken(story_id); merge(from_story, into_story, reason).

Lookup rule (both): a stored revision is a candidate when it shares a "near" key (sketch hashes of
top paragraphs, body, headline) and was published within WINDOW_DAYS days (or either date is
unknown), or shares an "anywhere" key (article id, Yonhap id lineage) at any date. At most
POSTING_LIMIT revisions are taken per key, so a key shared by very many revisions (a stock phrase)
cannot make one lookup expensive.
"""
from __future__ import annotations

import json
from dataclasses import replace

from pipelines.grouping.features import Features

WINDOW_DAYS = 2
POSTING_LIMIT = 64


class MemoryIndex:
    def __init__(self):
        self.revisions: dict[str, Features] = {}
        self.near: dict[int, list[str]] = {}
        self.anywhere: dict[int, list[str]] = {}
        self.story_members: dict[str, set[str]] = {}
        self.merged: dict[str, tuple[str, str]] = {}  # merged story -> (into, reason)
        self.lookups = 0

    def candidates(self, f: Features) -> dict[str, Features]:
        self.lookups += 1
        near_keys, anywhere_keys = f.index_keys()
        day = f.day
        found: set[str] = set()
        for key in near_keys:
            taken = 0
            for rev_key in self.near.get(key, ()):
                other = self.revisions[rev_key].day
                if day is None or other is None or abs(other - day) <= WINDOW_DAYS:
                    found.add(rev_key)
                    taken += 1
                    if taken >= POSTING_LIMIT:
                        break
        for key in anywhere_keys:
            found.update(self.anywhere.get(key, ())[:POSTING_LIMIT])
        return {k: self.revisions[k] for k in sorted(found)}

    def add(self, f: Features, story_id: str) -> None:
        f = replace(f, story_id=story_id)
        self.revisions[f.key] = f
        near_keys, anywhere_keys = f.index_keys()
        for key in near_keys:
            self.near.setdefault(key, []).append(f.key)
        for key in anywhere_keys:
            self.anywhere.setdefault(key, []).append(f.key)
        self.story_members.setdefault(story_id, set()).add(f.key)

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
        self.merged[from_story] = (into_story, reason)


_COLUMNS = ("rev_key", "story_id", "article_id", "lineage", "published", "date_only", "headline", "part", "digest",
            "section", "dateline", "body_size", "body_sketch", "para_sketches", "para_sizes", "problem")


def _features_from_row(row) -> Features:
    (key, story_id, article_id, lineage, published, date_only, headline, part, digest, section, dateline,
     body_size, body_sketch, para_sketches, para_sizes, problem) = row
    return Features(key=key, story_id=story_id, article_id=article_id, lineage=lineage, published=published,
                    date_only=date_only, headline=headline, part=part, digest=digest, section=section,
                    dateline=dateline, body_size=body_size, body_sketch=list(body_sketch or []),
                    para_sketches=para_sketches or [], para_sizes=list(para_sizes or []), problem=problem)


def copy_rows_revisions(f: Features, story_id: str) -> tuple:
    """One grouping_revisions row in _COLUMNS order (as Python values)."""
    return (f.key, story_id, f.article_id, f.lineage, f.published, f.date_only, f.headline, f.part, f.digest,
            f.section, f.dateline, f.body_size, f.body_sketch, json.dumps(f.para_sketches), f.para_sizes, f.problem)


class PostgresIndex:
    """The index in PostgreSQL (tables grouping_revisions, grouping_keys; sql/003_grouping.sql).

    Merges also re-point the core tables in the same transaction: story_revisions.story_id,
    story_merges (a row per merge; earlier merges into the merged story follow it) and the merged
    story's `stories` row is deleted (the surviving row is created if the caller has not yet)."""

    def __init__(self, conn, source: str = "yonhap"):
        self.conn = conn
        self.source = source
        self.lookups = 0
        self._core = None

    def _has_core(self, cur) -> bool:
        if self._core is None:
            cur.execute("SELECT to_regclass('story_merges') IS NOT NULL AND to_regclass('stories') IS NOT NULL")
            self._core = cur.fetchone()[0]
        return self._core

    def candidates(self, f: Features) -> dict[str, Features]:
        self.lookups += 1
        near_keys, anywhere_keys = f.index_keys()
        day = f.day
        with self.conn.cursor() as cur:
            cur.execute(f"""
                SELECT {", ".join("g." + c for c in _COLUMNS)} FROM grouping_revisions g WHERE g.rev_key IN (
                    SELECT c.rev_key FROM unnest(%(near)s::bigint[]) AS k(key)
                    CROSS JOIN LATERAL (
                        SELECT rev_key FROM grouping_keys gk
                        WHERE gk.key = k.key AND gk.anywhere = false
                          AND (%(day)s::int IS NULL OR gk.day IS NULL OR gk.day BETWEEN %(lo)s AND %(hi)s)
                        LIMIT %(limit)s) c
                    UNION
                    SELECT c.rev_key FROM unnest(%(anywhere)s::bigint[]) AS k(key)
                    CROSS JOIN LATERAL (
                        SELECT rev_key FROM grouping_keys gk WHERE gk.key = k.key AND gk.anywhere = true
                        LIMIT %(limit)s) c)
                ORDER BY g.rev_key""",
                        {"near": near_keys, "anywhere": anywhere_keys, "day": day,
                         "lo": None if day is None else day - WINDOW_DAYS,
                         "hi": None if day is None else day + WINDOW_DAYS, "limit": POSTING_LIMIT})
            return {row[0]: _features_from_row(row) for row in cur.fetchall()}

    def add(self, f: Features, story_id: str) -> None:
        near_keys, anywhere_keys = f.index_keys()
        with self.conn.cursor() as cur:
            cur.execute(f"""INSERT INTO grouping_revisions ({", ".join(_COLUMNS)})
                            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s)""",
                        copy_rows_revisions(f, story_id))
            cur.execute("""INSERT INTO grouping_keys (key, anywhere, day, rev_key)
                           SELECT k, false, %(day)s::int, %(rev)s FROM unnest(%(near)s::bigint[]) k
                           UNION ALL SELECT k, true, %(day)s::int, %(rev)s FROM unnest(%(anywhere)s::bigint[]) k""",
                        {"day": f.day, "rev": f.key, "near": near_keys, "anywhere": anywhere_keys})

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
