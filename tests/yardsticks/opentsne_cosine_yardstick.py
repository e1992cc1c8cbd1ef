#!/usr/bin/env python3
"""The strongest neighbourhood-keeping yardstick: openTSNE with the cosine metric straight on the
binary entity x context matrix (entities seen in >= 2 contexts), perplexity 30, seed 0, as in
../shared/bench/README.md. Same matrix as umap_cosine_yardstick.py.
usage: opentsne_cosine_yardstick.py INTERACTIONS.csv ENTITY_COL CONTEXT_COL OUT.csv
Needs numpy, scipy, openTSNE. Prints the wall time as JSON."""
import csv, json, sys, time
import numpy as np, scipy.sparse as sp
path, ecol, ccol, out = sys.argv[1:5]
import openTSNE
t0 = time.perf_counter()
ents, ctxs = [], []
with open(path, newline="") as f:
    for row in csv.DictReader(f):
        ents.append(row[ecol]); ctxs.append(row[ccol])
eids, e = np.unique(np.array(ents), return_inverse=True)
_, c = np.unique(np.array(ctxs), return_inverse=True)
X = sp.csr_matrix((np.ones(len(e), np.float32), (e, c)))
X.data[:] = 1
deg = np.diff(X.indptr); keep = np.flatnonzero(deg >= 2)
X = X[keep]; ids = eids[keep]
Y = np.asarray(openTSNE.TSNE(metric="cosine", perplexity=30, random_state=0).fit(X))
with open(out, "w", newline="") as f:
    w = csv.writer(f); w.writerow(["id", "x", "y"])
    for i, (x, y) in zip(ids, Y): w.writerow([i, float(x), float(y)])
print(json.dumps({"total_s": time.perf_counter() - t0, "entities": len(ids)}))
