"""Minimal reader for Starmap map folders (docs/FORMAT.md, format version 2).

Reads what the datamapplot comparison needs: the first layout's positions (points.bin),
the label column (labels.bin, Text section), categorical/tags metadata, and the cluster
ids per level (clusters.bin, section kind 11) when the map has clusters.
"""
import json
import struct
from pathlib import Path

import numpy as np

POSITIONS, POPULARITY, NEIGHBORS, IDS, NUMERIC, CATEGORICAL, TAGS, TEXT, SIZEKEYS, NCHANGE, CLUSTERIDS = range(1, 12)


def read_container(path):
    b = Path(path).read_bytes()
    assert b[:4] == b"STAR", path
    n, s = struct.unpack_from("<II", b, 8)
    sections = []
    for i in range(s):
        kind, _res, index, off, length = struct.unpack_from("<HHIII", b, 16 + 16 * i)
        sections.append((kind, index, b[off:off + length]))
    return n, sections


def read_strings(p, count):
    offs = np.frombuffer(p, dtype="<u4", count=count + 1)
    base = 4 * (count + 1)
    data = p[base:]
    return [data[offs[i]:offs[i + 1]].decode("utf-8") for i in range(count)], base + int(offs[-1])


def read_dictionary(p):
    (count,) = struct.unpack_from("<I", p, 0)
    values, used = read_strings(p[4:], count)
    used = 4 + used
    used = (used + 3) // 4 * 4  # strings padded to 4 bytes
    return values, used


def load_map(folder):
    folder = Path(folder)
    m = json.loads((folder / "manifest.json").read_text())
    out = {"manifest": m}
    # positions of layout 0
    n, secs = read_container(folder / "points.bin")
    b = m["layouts"][0]["bounds"]
    (pos,) = [p for k, i, p in secs if k == POSITIONS and i == 0]
    q = np.frombuffer(pos, dtype="<u2", count=2 * n).reshape(n, 2).astype(np.float64)
    xy = np.empty((n, 2))
    xy[:, 0] = b["min_x"] + q[:, 0] / 65535.0 * (b["max_x"] - b["min_x"])
    xy[:, 1] = b["min_y"] + q[:, 1] / 65535.0 * (b["max_y"] - b["min_y"])
    out["xy"] = xy
    out["n"] = n
    # label column
    label_col = m["label_column"]
    col_idx = {c["name"]: i for i, c in enumerate(m["columns"])}
    n2, secs = read_container(folder / "labels.bin")
    if label_col is not None:
        (txt,) = [p for k, i, p in secs if k == TEXT and i == col_idx[label_col]]
    else:
        (txt,) = [p for k, i, p in secs if k == IDS]
    out["labels"], _ = read_strings(txt, n)
    # categorical / tags metadata (first value of tags)
    meta = {}
    if (folder / "metadata.bin").exists():
        _, secs = read_container(folder / "metadata.bin")
        for k, i, p in secs:
            name = m["columns"][i]["name"]
            if k == CATEGORICAL:
                d, used = read_dictionary(p)
                codes = np.frombuffer(p[used:], dtype="<u2", count=n)
                meta[name] = [d[c] if c != 0xFFFF else None for c in codes]
            elif k == TAGS:
                d, used = read_dictionary(p)
                offs = np.frombuffer(p[used:], dtype="<u4", count=n + 1)
                codes = np.frombuffer(p[used + 4 * (n + 1):], dtype="<u2", count=int(offs[-1]))
                meta[name] = [[d[c] for c in codes[offs[j]:offs[j + 1]]] for j in range(n)]
    out["meta"] = meta
    # clusters
    clusters = []
    if m.get("clusters"):
        _, secs = read_container(folder / m["clusters"]["file"])
        for lvl, level in enumerate(m["clusters"]["levels"]):
            (p,) = [p for k, i, p in secs if k == CLUSTERIDS and i == lvl]
            ids = np.frombuffer(p, dtype="<u2", count=n)
            names = np.array([c["name"] for c in level["clusters"]], dtype=object)
            clusters.append(names[ids])
    out["clusters"] = clusters
    return out


if __name__ == "__main__":
    import sys

    d = load_map(sys.argv[1])
    print(d["n"], d["xy"].min(0), d["xy"].max(0), d["labels"][:5], list(d["meta"]), len(d["clusters"]))
