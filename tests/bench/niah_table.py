#!/usr/bin/env python3
"""Markdown tables from `gleaner-cli eval niah` results: one row per (haystack, method, length),
one column per depth, each cell "score (needle recall)"; then each method's mean score.

usage: tests/bench/niah_table.py DIR/niah.json [DIR2/niah.json ...]
"""
import json
import os
import sys
from collections import defaultdict


def main(paths):
    cells = defaultdict(dict)  # (haystack, method, length) -> depth -> trial
    for path in paths:
        with open(path) as f:
            d = json.load(f)
        hay = os.path.basename(d["haystack"]) if d["haystack"] != "filler" else "filler"
        for t in d["trials"]:
            cells[(hay, t["method"], t["length"])][t["depth"]] = t
    depths = sorted({dp for row in cells.values() for dp in row})
    print("| haystack | method | tokens | " + " | ".join(f"{dp}%" for dp in depths) + " | mean |")
    print("|---|---|---|" + "---|" * (len(depths) + 1))
    totals = defaultdict(list)
    for key in sorted(cells):
        hay, method, length = key
        row = cells[key]
        out = []
        for dp in depths:
            t = row.get(dp)
            out.append("" if t is None else f"{t['score']:g} ({t['needle_recall']:.2f})")
        scores = [t["score"] for t in row.values()]
        totals[(hay, method)] += scores
        print(f"| {hay} | {method} | {length // 1024}k | " + " | ".join(out) + f" | {sum(scores) / len(scores):.0%} |")
    print()
    print("| haystack | method | answered | trials |")
    print("|---|---|---|---|")
    for (hay, method), s in sorted(totals.items()):
        print(f"| {hay} | {method} | {sum(s) / len(s):.0%} | {len(s)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
