"""`make bench-extract`: the generic extraction path on the public article-extraction benchmark.

The benchmark (github.com/scrapinghub/article-extraction-benchmark: 181 pages of other sites,
`html/<id>.html.gz` and `ground-truth.json`) is not part of this repository; point
WIREDESK_EXTRACT_BENCH_DIR (or --dir) at a copy of it. For every page this runs our whole
extraction (pipelines.extract.extract on the page's bytes, as the raw store hands them over:
decoding, the generic parser, the record checks) and plain `trafilatura.extract` as the
benchmark's own runner calls it, scores both with the benchmark's F1 (evaluate.py: 4-token
shingles of \\w+ tokens, per-page precision and recall normalised, averaged over pages, F1 of the
two means), and prints both figures, the pages our path refused with their reasons, the optional
fields it dropped, and the time per page. It exits 1 when our F1 is below --min-f1 or a page was
refused for an optional field, 2 when the benchmark folder is absent.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ENV_DIR = "WIREDESK_EXTRACT_BENCH_DIR"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingle_counts(text: str, n: int = 4) -> collections.Counter:
    """The benchmark's shingles: every run of n consecutive \\w+ tokens (one shorter run for short texts)."""
    tokens = _TOKEN.findall(text or "")
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                               if tokens[i:i + n])


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """evaluate.string_shingle_matching: shingle counts matched, normalised to sum 1 per page."""
    want, got = shingle_counts(true), shingle_counts(pred)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def f1_of(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """evaluate.metrics_from_tp_fp_fns: (F1, precision, recall) from per-page means."""
    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*s) for s in scores if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in scores if s[0] + s[2] > 0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def ours(page: bytes, url: str | None) -> tuple[str, str | None, list[str]]:
    """(body text, refusal reason or None, notes on dropped optional fields) of our extraction."""
    from pipelines.extract import ExtractionError, extract

    try:
        record = extract(page, url=url)
    except ExtractionError as exc:
        return "", exc.reason, []
    return "\n".join(record["body_paragraphs"]), None, list(record["extraction_notes"])


def plain_trafilatura(page: bytes) -> str:
    """As the benchmark's extractors/run_trafilatura.py: the page read as UTF-8 text."""
    import trafilatura

    return trafilatura.extract(page.decode("utf-8"), include_comments=False) or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.extract_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=os.environ.get("WIREDESK_EXTRACT_BENCH_DIR") or None,
                        help=f"the benchmark's folder (html/ and ground-truth.json); default ${ENV_DIR}")
    parser.add_argument("--min-f1", type=float, default=0.958,
                        help="exit 1 when our mean body F1 is below this (plain trafilatura 2.3.1: 0.958)")
    args = parser.parse_args(argv)
    folder: Path | None = args.dir
    if folder is None or not (folder / "ground-truth.json").is_file() or not (folder / "html").is_dir():
        where = f"no benchmark at {folder}" if folder else f"${ENV_DIR} is not set"
        print(f"bench-extract: {where}: clone github.com/scrapinghub/article-extraction-benchmark "
              f"outside this repository and set {ENV_DIR} to its folder (html/ and ground-truth.json)",
              file=sys.stderr)
        return 2
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ours_scores, plain_scores, refused, notes = [], [], [], []
    ours_seconds = plain_seconds = 0.0
    for key in sorted(truth):
        page = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        true = truth[key].get("articleBody", "")
        began = time.perf_counter()
        body, reason, dropped = ours(page, truth[key].get("url"))
        ours_seconds += time.perf_counter() - began
        began = time.perf_counter()
        plain = plain_trafilatura(page)
        plain_seconds += time.perf_counter() - began
        ours_scores.append(tp_fp_fn(true, body))
        plain_scores.append(tp_fp_fn(true, plain))
        if reason:
            refused.append((key, truth[key].get("url"), reason))
        notes += [(key, note) for note in dropped]
    f1, precision, recall = f1_of(ours_scores)
    plain_f1, plain_precision, plain_recall = f1_of(plain_scores)
    count = len(truth)
    print(f"article-extraction benchmark: {count} pages in {folder}")
    print(f"{'':<28} {'F1':>6} {'precision':>10} {'recall':>7} {'ms/page':>8}")
    print(f"{'wiredesk generic path':<28} {f1:6.3f} {precision:10.3f} {recall:7.3f} {1000 * ours_seconds / count:8.1f}")
    print(f"{'plain trafilatura.extract':<28} {plain_f1:6.3f} {plain_precision:10.3f} {plain_recall:7.3f} "
          f"{1000 * plain_seconds / count:8.1f}")
    print(f"refused: {len(refused)}")
    for key, url, reason in refused:
        print(f"  {key[:12]} {url}: {reason}")
    print(f"optional fields dropped (page kept): {len(notes)}")
    for key, note in notes:
        print(f"  {key[:12]}: {note}")
    optional_refusals = [r for r in refused if r[2].startswith("field_too_long")]
    failed = []
    if f1 < args.min_f1:
        failed.append(f"mean body F1 {f1:.3f} is below {args.min_f1:.3f}")
    if optional_refusals:
        failed.append(f"{len(optional_refusals)} pages refused for a field too long")
    if failed:
        print("FAILED: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
