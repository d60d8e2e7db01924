"""``aliases.tsv``: every alias mined from the text (form, concept, post, evidence), for a person to review."""
from __future__ import annotations

import csv
import io

from .atomic import atomic_write

# status: added (new altLabel), known (already a label), discovered (new concept), conflict, rejected;
# note says why for conflict and rejected rows
COLUMNS = ("form", "concept", "label", "status", "post", "evidence", "note")


def write_aliases(rows: list[dict], path: str) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in rows:
        w.writerow({k: str(row.get(k, "")).replace("\t", " ").replace("\n", " ") for k in COLUMNS})
    atomic_write(path, buf.getvalue())
