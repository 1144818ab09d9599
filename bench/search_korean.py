"""Korean site search over the demo content: is the expected page among the first three? (issue 12: ≥ 28 of 30)

    .venv/bin/python bench/search_korean.py [--database sqlite|postgres]    # about a minute

Loads the demo (every app's ``demo.load_demo``, as ``sotong demo --setup-only`` does) into a fresh temporary
database (SQLite in a temporary folder; with ``--database postgres`` a database of its own on
127.0.0.1:5432, dropped afterwards), then asks the 30 queries of ``bench/search_korean_queries.json``, written
before any run and never used to tune the analysis (its development queries are in
``sotong/pages/tests/test_search_ranking.py``):

- **site search**: ``sotong.pages.search.selectors.site_search``, what /search/ shows (Kiwi morphemes,
  compounds and syllable pairs; pages, departments and published answers ranked together);
- **reference, substring**: what a site search without Korean analysis finds in the same run: pages holding
  every word of the query as typed (title, summary, body text; title matches first, then newest), and
  departments by ``organisation.selectors.directory_search``; counted as found when the expected page is in
  the first three of either list (generous to the reference).

Prints a table and writes bench/results/search_korean.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "bench" / "search_korean_queries.json"
RESULTS = ROOT / "bench" / "results" / "search_korean.json"
TOP = 3


def setup(database: str, workdir: Path) -> str | None:
    """Point Django at a fresh database and set it up; the PostgreSQL database's name, to drop later."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["SOTONG_DATA_DIR"] = str(workdir)
    name = None
    if database == "postgres":
        name = f"bench_search_{os.getpid()}"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"], check=True
        )
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()

    from django.core.management import call_command

    from sotong.site.demo_data import load_all

    call_command("migrate", interactive=False, verbosity=0)
    load_all(stdout=io.StringIO())
    loaded = time.perf_counter()
    index_pages()
    print(
        f"demo loaded in {loaded - started:.0f} s, indexed in {time.perf_counter() - loaded:.0f} s",
        file=sys.stderr,
    )
    return name


def index_pages() -> None:
    """The index the demo's worker builds, one task per saved object, built at once (Wagtail's command)."""
    from django.core.management import call_command

    call_command("wagtail_update_index", verbosity=0)


def drop(name: str | None) -> None:
    if name is None:
        return
    from django.db import connections

    connections.close_all()
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False
    )


def target_url(expect: str) -> str:
    """The address of the expected page (its last segment)."""
    _kind, key = expect.split(":", 1)
    return f"/{key}/"


def site_search_top(query: str) -> list[str]:
    from sotong.pages.search.selectors import site_search

    return [h.url for h in site_search(query=query, per_page=TOP).hits]


def reference_top(query: str, texts: list[tuple[str, str, str, Any]]) -> tuple[list[str], list[str]]:
    """(pages, departments): substring search of the query's words, as typed."""
    from sotong.organisation.selectors import directory_search

    words = query.casefold().split()
    found = []
    for url, title, text, published in texts:
        if all(w in (title + " " + text).casefold() for w in words):
            in_title = sum(w in title.casefold() for w in words)
            found.append((-in_title, -(published.timestamp() if published else 0), url))
    found.sort()
    departments = [f"/departments/{d.code}/" for d in directory_search(query=query)[:TOP]]
    return [url for _a, _b, url in found[:TOP]], departments


def page_texts() -> list[tuple[str, str, str, Any]]:
    """(url, title, readable text, published) of every live Korean page."""
    from django.utils.html import strip_tags
    from wagtail.models import Page

    from sotong.pages.models.blocks import body_text

    out = []
    for page in Page.objects.live().filter(locale__language_code="ko").exclude(depth=1).specific():
        parts = [
            getattr(page, "summary", ""),
            page.search_description,
            strip_tags(str(getattr(page, "intro", ""))),
        ]
        body = getattr(page, "body", None)
        if body is not None:
            parts.append(body_text(body))
        out.append((page.url or "", page.title, " ".join(p for p in parts if p), page.first_published_at))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    queries = json.loads(QUERIES.read_text())["queries"]
    with tempfile.TemporaryDirectory(prefix="bench-search-") as workdir:
        started = time.perf_counter()
        name = setup(args.database, Path(workdir))
        try:
            setup_seconds = time.perf_counter() - started
            from django.utils import translation

            translation.activate("ko")
            texts = page_texts()
            site_search_top("준비")  # Kiwi's model loaded before timing
            rows = []
            timings = []
            for item in queries:
                wanted = target_url(item["expect"])
                t0 = time.perf_counter()
                ours = site_search_top(item["q"])
                timings.append((time.perf_counter() - t0) * 1000)
                pages, departments = reference_top(item["q"], texts)
                our_rank = next((i + 1 for i, url in enumerate(ours) if url.endswith(wanted)), None)
                ref_rank = next((i + 1 for i, url in enumerate(pages) if url.endswith(wanted)), None) or next(
                    (i + 1 for i, url in enumerate(departments) if url.endswith(wanted)), None
                )
                rows.append(
                    {
                        "query": item["q"],
                        "expect": item["expect"],
                        "rank": our_rank,
                        "reference_rank": ref_rank,
                        "top": ours,
                    }
                )
        finally:
            drop(name)
    found = sum(r["rank"] is not None for r in rows)
    reference = sum(r["reference_rank"] is not None for r in rows)
    width = max(len(r["query"]) for r in rows) + 2
    print(f"{'query':<{width}} {'expected':<50} {'search':>6} {'substring':>9}")
    for r in rows:
        mark = str(r["rank"] or "-")
        print(f"{r['query']:<{width}} {r['expect']:<50} {mark:>6} {r['reference_rank'] or '-'!s:>9}")
    timings.sort()
    p50 = timings[len(timings) // 2]
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"\nexpected page in the first {TOP}: site search {found}/{len(rows)}, substring reference "
        f"{reference}/{len(rows)} ({args.database}; query p50 {p50:.0f} ms, p95 {p95:.0f} ms; setup {setup_seconds:.0f} s)"
    )
    results = RESULTS if args.database == "sqlite" else RESULTS.with_name("search_korean-postgres.json")
    results.parent.mkdir(exist_ok=True)
    results.write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "machine": platform.platform(),
                "database": args.database,
                "found_in_top_3": found,
                "reference_found_in_top_3": reference,
                "queries": len(rows),
                "query_ms_p50": round(p50, 1),
                "query_ms_p95": round(p95, 1),
                "rows": rows,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
