"""Markdown table from sizes.tsv and measure.js results. usage: python3 make_table.py results_main.jsonl"""
import csv
import json
import statistics
import sys
from collections import defaultdict

sizes = {r["artefact"]: r for r in csv.DictReader(open("/work/dmp/sizes.tsv"), delimiter="\t")}
rows = defaultdict(list)
for line in open(sys.argv[1]):
    d = json.loads(line)
    a, b = d.get("dmp_ready_ms"), d.get("dmp_deck_render_after_points_ms")
    d["dmp_interactive_ms"] = max(a, b) if a is not None and b is not None else None
    rows[d["name"]].append(d)


def cell(rs, key):
    v = [r[key] for r in rs if r.get(key) is not None]
    if not v:
        return "–"
    return f"**{statistics.median(v):,.0f}** ({min(v):,.0f}–{max(v):,.0f})"


print("| case | product | bytes | gzip -9 bytes | first points, screenshot (ms) | >1,000 px (ms) | first frame, page-reported (ms) | interactive (ms) |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for name, rs in rows.items():
    case, prod = name.split("/")
    s = sizes[name]
    if prod.startswith("starmap"):
        page_first, ready = cell(rs, "starmap_firstFrameMs"), cell(rs, "starmap_ready_ms")
    else:
        page_first, ready = cell(rs, "dmp_deck_render_after_points_ms"), cell(rs, "dmp_interactive_ms")
    print(f"| {case} | {prod} | {int(s['bytes']):,} | {int(s['gzip9_bytes']):,} | {cell(rs, 'half_final_pixels_ms')} | {cell(rs, 'first_points_ms')} | {page_first} | {ready} |")
