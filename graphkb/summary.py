"""The one-screen summary printed at the end of a build."""
from __future__ import annotations

from collections import Counter

from .model import BuildResult


def summary(result: BuildResult, max_problems: int = 8) -> str:
    s = result.stats
    lines = [f"graphkb: {len(result.posts)} posts from {len(result.files)} files "
             f"({s.get('posts_read', 0)} read, {len(result.merged)} duplicates merged)"]
    if "concepts" in s:
        lines.append(f"  concepts: {s['concepts']} ({s.get('mentions', 0)} mentions), "
                     f"citations: {s.get('citations', 0)} ({s.get('internal_citations', 0)} to posts of the corpus)")
    lines.append(f"  graph: {s.get('nodes', 0)} nodes, {s.get('edges', 0)} edges, {s.get('triples', 0)} triples")
    secs = s.get("seconds", {})
    if secs:
        lines.append("  time: " + ", ".join(f"{k} {v:.2f}s" for k, v in secs.items()))
    errors = [p for p in result.problems if p.severity == "error"]
    warnings = [p for p in result.problems if p.severity != "error"]
    if result.problems:
        kinds = Counter(p.kind for p in result.problems)
        lines.append(f"  problems: {len(errors)} errors, {len(warnings)} warnings ("
                     + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
        for p in (errors + warnings)[:max_problems]:
            lines.append(f"    {p}")
        if len(result.problems) > max_problems:
            lines.append(f"    … {len(result.problems) - max_problems} more in {result.outputs.get('report')}")
    for fmt, path in result.outputs.items():
        lines.append(f"  wrote {path}")
    return "\n".join(lines)
