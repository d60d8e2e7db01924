"""``report.json``: what was read from each file, which duplicates were merged, and every problem."""
from __future__ import annotations

import json
from collections import Counter

from ..model import BuildResult
from .atomic import atomic_write


def report_dict(result: BuildResult) -> dict:
    problems = sorted(result.problems, key=lambda p: (p.path, p.line or 0, p.kind))
    return {
        "graphkb": result.stats.get("version"),
        "posts": len(result.posts),
        "posts_read": result.stats.get("posts_read", len(result.posts)),
        "untitled_posts": sum(p.untitled for p in result.posts),
        "layouts": dict(sorted(Counter(f["layout"] or "none" for f in result.files).items())),
        "files": result.files,
        "merged_duplicates": result.merged,
        "problems_by_kind": dict(sorted(Counter(p.kind for p in problems).items())),
        "problems": [{"file": p.path, "line": p.line, "severity": p.severity, "kind": p.kind, "message": p.message}
                     for p in problems],
        "stats": {k: v for k, v in result.stats.items() if k != "version"},
        "outputs": result.outputs,
    }


def write_report(result: BuildResult, path: str) -> None:
    atomic_write(path, json.dumps(report_dict(result), ensure_ascii=False, indent=1, default=str) + "\n")
