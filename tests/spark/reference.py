"""A plain-Python transliteration of core/src/ingest.rs and cooc.rs `top_similar`, row by row
as the Rust code runs (entity indices in order of first appearance, ties by index), for small
files: a second opinion on the Spark job where no native table is at hand, and the check of
the hand-made example in tests/spark/run.sh (capping by hash, weights, every similarity).

    python reference.py --interactions FILE.csv --entity-col C --context-col C [--weight-col C]
        [--min-contexts N] [--max-context-size N] [--weight-transform T] [--similarity S]
        [--k K] [--seed S] --out DIR

Writes DIR/entities and DIR/edges in the `--graph` schema (through Spark, for Parquet).
"""

import argparse
import csv
import gzip
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "distributed", "spark"))
from starmap_graph import F32_MIN_POSITIVE, hash_str, mix64  # noqa: E402


def read_rows(path, entity_col, context_col, weight_col):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        e, c = header.index(entity_col), header.index(context_col)
        w = header.index(weight_col) if weight_col else None
        for row in reader:
            yield row[e].strip(), row[c].strip(), float(row[w]) if w is not None else 1.0


def graph(rows, min_contexts, max_context_size, transform, similarity, k, seed):
    entities, contexts, triples = {}, {}, []
    for e, c, w in rows:
        if not e or not c:
            continue
        triples.append((contexts.setdefault(c, len(contexts)), entities.setdefault(e, len(entities)), w))
    names = list(entities)
    ctx_names = list(contexts)
    merged = {}
    for c, e, w in sorted(triples, key=lambda t: (t[0], t[1])):
        merged[(c, e)] = merged.get((c, e), 0.0) + w
    per_entity = [0] * len(names)
    for _, e in merged:
        per_entity[e] += 1
    kept = [i for i in range(len(names)) if per_entity[i] >= min_contexts]
    new_index = {old: new for new, old in enumerate(kept)}
    ids = [names[i] for i in kept]
    popularity = [per_entity[i] for i in kept]
    by_ctx = {}
    for (c, e), w in sorted(merged.items()):
        if e in new_index:
            by_ctx.setdefault(c, []).append((new_index[e], w))
    ctx_members = []
    for c in sorted(by_ctx):
        members = by_ctx[c]
        if len(members) > max_context_size:
            salt = mix64(seed ^ hash_str(ctx_names[c]))
            members = sorted(members, key=lambda m: (mix64(salt ^ hash_str(ids[m[0]])), m[0]))[:max_context_size]
        members.sort()
        tw = {"log1p": math.log1p, "raw": lambda w: w, "binary": lambda w: 1.0}[transform]
        ctx_members.append([(e, tw(w)) for e, w in members])
    ctxw = [1.0 / math.log(math.e + len(m)) if similarity == "cosine-damped" else 1.0 for m in ctx_members]
    by_entity = [[] for _ in ids]
    for c, members in enumerate(ctx_members):
        for e, w in members:
            by_entity[e].append((c, w))
    norms = [math.sqrt(sum(w * w * ctxw[c] for c, w in by_entity[i])) for i in range(len(ids))]
    # Partners' weights come divided by their norm (0 for a zero norm), rows by their own norm.
    cosine = similarity != "count"
    scaled = [
        [(j, (wj / norms[j] if norms[j] > 0 else 0.0) if cosine else wj) for j, wj in members]
        for members in ctx_members
    ]
    edges = []
    for i in range(len(ids)):
        acc = {}
        for c, wi in by_entity[i]:
            for j, wj in scaled[c]:
                if j != i:
                    acc[j] = acc.get(j, 0.0) + max(wi * ctxw[c] * wj, F32_MIN_POSITIVE)
        row = []
        for j, raw in acc.items():
            score = raw / norms[i] if cosine and norms[i] > 0 else 0.0 if cosine else raw
            row.append((j, score))
        row.sort(key=lambda t: (-t[1], t[0]))
        edges += [(ids[i], ids[j], s) for j, s in row[:k]]
    # Every kept entity, those without edges too, as --export-graph writes them.
    return list(zip(ids, popularity)), edges


def parse_args(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--interactions", required=True)
    p.add_argument("--entity-col", required=True)
    p.add_argument("--context-col", required=True)
    p.add_argument("--weight-col")
    p.add_argument("--min-contexts", type=int, default=2)
    p.add_argument("--max-context-size", type=int, default=1000)
    p.add_argument("--weight-transform", default="log1p")
    p.add_argument("--similarity", default="cosine")
    p.add_argument("--k", type=int, default=90)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    return p.parse_args(argv)


def write_reference(spark, argv):
    """Computes the graph of `argv`'s file and writes it to its --out."""
    a = parse_args(argv)
    transform = a.weight_transform if a.weight_col else "binary"
    rows = read_rows(a.interactions, a.entity_col, a.context_col, a.weight_col)
    ents, edges = graph(rows, a.min_contexts, a.max_context_size, transform, a.similarity, a.k, a.seed)
    spark.createDataFrame(ents, "id string, popularity long").coalesce(1).write.mode("overwrite").parquet(
        f"{a.out}/entities")
    spark.createDataFrame(edges, "source string, target string, weight double").coalesce(1).write.mode(
        "overwrite").parquet(f"{a.out}/edges")


def main():
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("starmap-graph-reference").getOrCreate()
    write_reference(spark, sys.argv[1:])
    spark.stop()


if __name__ == "__main__":
    main()
