"""Medians per configuration from measure.js JSONL output.  usage: python3 summarize.py results.jsonl"""
import json
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    d = json.loads(line)
    rows[d["name"]].append(d)

FIELDS = [
    ("first_points_ms", "first points (screenshot) ms"),
    ("first_points_lower_ms", "previous screenshot (lower bound) ms"),
    ("starmap_firstFrameMs", "Starmap firstFrameMs"),
    ("starmap_ready_ms", "Starmap state=ready ms"),
    ("dmp_spinner_hidden_ms", "dmp points added (spinner hidden) ms"),
    ("dmp_deck_render_after_points_ms", "dmp deck.gl first render after points ms"),
    ("dmp_ready_ms", "dmp datamapDataLoaded ms"),
    ("dmp_interactive_ms", "dmp interactive = max(data loaded, 1st render) ms"),
    ("median_shot_latency_ms", "screenshot latency ms"),
    ("loadavg1_before", "1-min load avg"),
]


def med(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return statistics.median(vals)


for rs in rows.values():
    for r in rs:
        # datamapplot is interactive once its data is loaded AND the main thread is free again
        # after deck.gl's first render with the points (that render is one long task).
        a, b = r.get("dmp_ready_ms"), r.get("dmp_deck_render_after_points_ms")
        r["dmp_interactive_ms"] = max(a, b) if a is not None and b is not None else None

for name, rs in rows.items():
    print(f"## {name}  (runs: {len(rs)}, timed out: {sum(r['timedOut'] for r in rs)})")
    for key, label in FIELDS:
        vals = [r.get(key) for r in rs]
        if all(v is None for v in vals):
            continue
        m = med(vals)
        print(f"  {label:45s} median {m:>8}   runs {vals}")
    ext = sorted({u for r in rs for u in r["external_requests"]})
    if ext:
        print(f"  external requests (aborted): {ext}")
    errs = sorted({e for r in rs for e in r["errors"]})
    if errs:
        print(f"  page errors: {errs}")
    print(f"  final map pixels: {sorted({r['final_pixels'] for r in rs})}, background {rs[0]['bg']}")
