"""Write datamapplot's self-contained interactive HTML (offline_mode=True, inline data) for a
Starmap map folder, from the same positions (layout 0) and labels.

usage: XDG_DATA_HOME=/work/dmp/xdg python make_dmp.py MAP_DIR OUT.html

Label layers:
  - maps with clusters (synthetic maps): Starmap's own cluster levels (finest first), i.e. the
    same region names Starmap shows;
  - maps without clusters (films): k-means (k=20) on the 2D positions, each cluster named by its
    most over-represented first genre (cheap stand-in for the usual cluster-naming step).
Hover text = the label column (film titles / synthetic names). Search enabled on hover text.
"""
import os
import sys
import time
from collections import Counter

import numpy as np
import requests

attempted = []


def no_network(url, *a, **k):
    attempted.append(url)
    raise requests.ConnectionError(f"no network in this benchmark: {url}")


requests.get = no_network
import datamapplot  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from read_map import load_map  # noqa: E402

assert os.environ.get("XDG_DATA_HOME", "").startswith("/work/dmp")
src, out = sys.argv[1], sys.argv[2]
d = load_map(src)
xy, labels, m = d["xy"], d["labels"], d["manifest"]

if d["clusters"]:
    layers = [np.asarray(c, dtype=object) for c in reversed(d["clusters"])]  # finest first
else:
    from sklearn.cluster import KMeans

    k = 20
    km = KMeans(n_clusters=k, n_init=4, random_state=0).fit(xy)
    first = np.array([g[0] if g else "" for g in d["meta"]["genre"]], dtype=object)
    overall = Counter(first)
    names = []
    for c in range(k):
        cnt = Counter(first[km.labels_ == c])
        tot = (km.labels_ == c).sum()
        best = max((v for v in cnt if v), key=lambda v: (cnt[v] / tot) / (overall[v] / len(first)) * min(1, cnt[v] / 20))
        name = best
        i = 2
        while name in names:
            name = f"{best} {i}"
            i += 1
        names.append(name)
    layers = [np.array(names, dtype=object)[km.labels_]]

t0 = time.time()
fig = datamapplot.create_interactive_plot(
    xy,
    *layers,
    hover_text=np.asarray(labels, dtype=object),
    title=m["title"],
    enable_search=True,
    offline_mode=True,
    inline_data=True,
)
fig.save(out)
print(f"wrote {out}: {os.path.getsize(out)} bytes in {time.time() - t0:.1f}s; python-side network attempts: {attempted}")
