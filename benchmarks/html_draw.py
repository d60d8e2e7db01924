"""Time until the explorer's graph is drawn in headless Chromium, with every network request blocked.

    .venv/bin/python benchmarks/html_draw.py                 # a synthetic graph of 5,000 nodes
    .venv/bin/python benchmarks/html_draw.py --nodes 20000 --limit 20000
    .venv/bin/python benchmarks/html_draw.py --html /tmp/X/graph.html

Prints one JSON object per page: nodes drawn, the seconds to write the HTML (synthetic only), its size,
``drawn_s`` = the page's own clock (performance.now) at vis-network's first afterDrawing, i.e. from
navigation start to a drawn graph (all nodes, the first links), and ``all_links_s`` when the remaining
links have been added; medians of ``--runs`` loads.  Needs Debian's /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphkb.export.html import DEFAULT_LIMIT, write_html  # noqa: E402
from graphkb.graph.assemble import assemble  # noqa: E402
from graphkb.model import Citation, CitationRef, Concept, Extraction, Mention, Post, Source  # noqa: E402
from graphkb.vocab import CONCEPT_IRI  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic_graph(n: int, seed: int = 7):
    """About ``n`` nodes (70 % posts, 20 % concepts, 10 % works) with skewed mention and citation counts."""
    rnd = random.Random(seed)
    n_posts, n_concepts = int(n * 0.7), int(n * 0.2)
    n_works = max(n - n_posts - n_concepts, 1)
    posts = [Post(title=f"第{i}篇 文章 post {i}", date=f"{2009 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}", body="正文",
                  sources=(Source("synthetic.md", i + 1),), readers=rnd.randint(0, 50000),
                  url=f"https://example.org/archives/{i}")
             for i in range(n_posts)]
    concepts = {f"c{i}": Concept(id=f"c{i}", iri=f"{CONCEPT_IRI}c{i}", pref=(("zh", f"概念{i}"), ("en", f"concept {i}")),
                                 alt=(("en", f"C{i}"),)) for i in range(n_concepts)}
    extractions, citations = {}, []
    for i, p in enumerate(posts):
        mentions = tuple(Mention(f"c{min(int(rnd.paretovariate(1.1)) - 1, n_concepts - 1)}", j, j + 1, "x")
                         for j in range(rnd.randint(1, 8)))
        extractions[p.key] = Extraction.from_mentions(mentions)
        for _ in range(rnd.randint(0, 3)):
            ref = CitationRef("title", "t", 0, 1, "如《上一篇》所述，这里继续讨论。")
            if i and rnd.random() < 0.6:
                target = posts[rnd.randint(0, i - 1)]
                citations.append(Citation(p.key, ref, "post", target=target.key, name=target.title))
            else:
                citations.append(Citation(p.key, ref, "paper", name=f"Paper {rnd.randint(0, n_works - 1)}"))
    return assemble(posts, extractions, citations, concepts)


def time_to_drawn(html: str, runs: int = 3) -> dict:
    """Open ``html`` from disk ``runs`` times; the page's clock when the graph was first drawn."""
    from playwright.sync_api import sync_playwright

    url = Path(html).resolve().as_uri()
    times, complete, blocked, errors = [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.route("**/*", lambda route: route.continue_() if route.request.url == url
                           else (blocked.append(route.request.url), route.abort()))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(url)
                page.wait_for_selector("body[data-drawn]", state="attached", timeout=120_000)
                times.append(page.evaluate("window.gkbDrawnAt") / 1000)
                page.wait_for_selector("body[data-complete]", state="attached", timeout=120_000)
                complete.append(page.evaluate("window.gkbCompleteAt") / 1000)
                page.close()
        finally:
            browser.close()
    return {"drawn_s": round(statistics.median(times), 3), "all_links_s": round(statistics.median(complete), 3),
            "runs": [round(t, 3) for t in times],
            "blocked_requests": blocked, "console_errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000, help="size of the synthetic graph")
    ap.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="node limit of the page")
    ap.add_argument("--html", help="time this graph.html instead of a synthetic graph")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.html:
        out = {"page": args.html, "bytes": os.path.getsize(args.html)}
        out.update(time_to_drawn(args.html, args.runs))
    else:
        g = synthetic_graph(args.nodes)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "graph.html")
            t = time.perf_counter()
            write_html(g, path, limit=args.limit)
            out = {"page": "synthetic", "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                   "drawn_nodes": min(g.number_of_nodes(), args.limit), "write_s": round(time.perf_counter() - t, 2),
                   "bytes": os.path.getsize(path)}
            out.update(time_to_drawn(path, args.runs))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
