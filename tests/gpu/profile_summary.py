#!/usr/bin/env python3
"""ncu --csv output (metrics gpu__time_duration.sum and dram__throughput...pct) -> one line per
kernel name: launches, total and mean time, share of the profiled time, mean DRAM throughput as a
share of peak. usage: profile_summary.py NCU.csv"""
import csv
import sys
from collections import defaultdict


def main(path):
    lines = open(path, errors="replace").read().splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"')), None)
    if start is None:
        sys.exit("no ncu table in " + path)
    time_ns, dram, count = defaultdict(float), defaultdict(list), defaultdict(int)
    seen = set()
    for row in csv.DictReader(lines[start:]):
        name, metric, unit = row["Kernel Name"].split("(")[0], row["Metric Name"], row["Metric Unit"]
        v = float(row["Metric Value"].replace(",", "")) if row["Metric Value"] else 0.0
        if metric == "gpu__time_duration.sum":
            scale = {"nsecond": 1, "usecond": 1e3, "msecond": 1e6, "second": 1e9}.get(unit, 1)
            time_ns[name] += v * scale
            if (row["ID"], name) not in seen:
                count[name] += 1
                seen.add((row["ID"], name))
        elif metric.startswith("dram__throughput"):
            dram[name].append(v)
    total = sum(time_ns.values()) or 1
    print(f"{'kernel':48s} {'launches':>8s} {'total us':>10s} {'mean us':>8s} {'share':>6s} {'DRAM % peak':>11s}")
    for name, t in sorted(time_ns.items(), key=lambda kv: -kv[1]):
        d = dram[name]
        print(f"{name[:48]:48s} {count[name]:8d} {t / 1e3:10.1f} {t / 1e3 / max(1, count[name]):8.2f} "
              f"{t / total:6.1%} {sum(d) / max(1, len(d)):11.1f}")
    print(f"profiled kernel time {total / 1e3:.1f} us over {sum(count.values())} launches")


if __name__ == "__main__":
    main(sys.argv[1])
