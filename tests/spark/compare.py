"""Compares two graph folders in the `--graph` schema (DIR/entities: id, popularity;
DIR/edges: source, target, weight): the native builder's (`starmap build --export-graph`) and
the Spark job's (distributed/spark/starmap_graph.py).

    python compare.py --native DIR --spark DIR --k K [--tol 1e-6]

Passes when
  - the entity sets agree with the same popularity. Both write every kept entity, isolated
    ones too; an entity only in the Spark table is still accepted when it has no edge (a table
    written without the isolated entities), and counted;
  - for every source, the same top-k set with weights within --tol relative. The native builder
    scores in f32 and breaks exact ties by entity index, the job in f64 by target id, so where a
    row is cut at k, entries within --tol of the k-th score (the tie band) may differ: only the
    set strictly above the band must match; band differences are counted and reported.
Prints one summary line; exits 1 on any mismatch. The comparison runs as Spark queries, so
it scales with the graphs.
"""

import argparse
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F


def rel_diff(a, b):
    # Relative to the larger magnitude; two tiny floors (f32::MIN_POSITIVE-sized) compare equal.
    return F.abs(a - b) / F.greatest(F.abs(a), F.abs(b), F.lit(1e-30))


def compare(spark, native, spark_dir, k, tol=1e-6, examples=5, native_name="native"):
    """Returns (passed, summary line); prints each kind of mismatch found with a few instances.

    A handful of aggregations over two joins (entities; edges with their rows' lengths and k-th
    scores), each check a conditional count, so a passing run costs a few Spark jobs."""
    ne = spark.read.parquet(f"{native}/entities").select("id", F.col("popularity").alias("pop_native"))
    se = spark.read.parquet(f"{spark_dir}/entities").select("id", F.col("popularity").alias("pop_spark"))
    nd = spark.read.parquet(f"{native}/edges").select("source", "target", F.col("weight").alias("w_native"))
    sd = spark.read.parquet(f"{spark_dir}/edges").select("source", "target", F.col("weight").alias("w_spark"))

    def count_if(cond):
        return F.sum(F.when(cond, 1).otherwise(0))

    # Entities and popularity. An entity only in the Spark table is accepted when it has no edge
    # there: a native table may leave the isolated entities out.
    spark_sources = sd.select(F.col("source").alias("id")).distinct().withColumn("has_edges", F.lit(True))
    ents = ne.join(se, "id", "full_outer").join(spark_sources, "id", "left")
    only_spark = F.col("pop_native").isNull()
    entity_checks = {
        "entities only in the Spark table that have edges there": only_spark & F.col("has_edges").isNotNull(),
        "entities only in the native table": F.col("pop_spark").isNull(),
        "entities with another popularity": F.col("pop_native") != F.col("pop_spark"),
    }
    e = ents.agg(
        F.count("pop_native").alias("n_native"),
        F.count("pop_spark").alias("n_spark"),
        count_if(only_spark & F.col("has_edges").isNull()).alias("isolated"),
        *[count_if(c).alias(f"c{i}") for i, c in enumerate(entity_checks.values())],
    ).first()

    # Per source and side: row length, distinct targets, self edges, the k-th (weakest) score.
    def row_stats(df, w, side):
        return df.groupBy("source").agg(
            F.count(F.lit(1)).alias(f"n_{side}"),
            F.countDistinct("target").alias(f"distinct_{side}"),
            count_if(F.col("source") == F.col("target")).alias(f"self_{side}"),
            F.min(w).alias(f"kth_{side}"),
        )

    rows = row_stats(nd, "w_native", "native").join(row_stats(sd, "w_spark", "spark"), "source", "full_outer")
    rows = rows.na.fill(0, [f"{c}_{s}" for c in ("n", "distinct", "self") for s in ("native", "spark")]).persist()
    cut = (F.col("n_native") == k) & (F.col("n_spark") == k)
    row_checks = {
        "sources with a repeated target": (F.col("n_native") != F.col("distinct_native"))
        | (F.col("n_spark") != F.col("distinct_spark")),
        "sources with a self edge": (F.col("self_native") > 0) | (F.col("self_spark") > 0),
        "sources with more than k edges": (F.col("n_native") > k) | (F.col("n_spark") > k),
        # A row not cut at k must hold the same entries; rows cut on both sides must agree on
        # where the cut falls.
        "sources whose rows differ in length (one not cut at k)": (F.col("n_native") != F.col("n_spark")) & ~cut,
        "sources cut at k whose k-th scores differ beyond the tolerance": cut
        & (rel_diff(F.col("kth_native"), F.col("kth_spark")) > tol),
    }
    r = rows.agg(
        F.sum("n_native").alias("edges_native"),
        F.sum("n_spark").alias("edges_spark"),
        *[count_if(c).alias(f"c{i}") for i, c in enumerate(row_checks.values())],
    ).first()

    # Edges: shared ones must agree in weight; one on one side only is a tie-band difference
    # when both rows are cut at k and its score is within the tolerance of the k-th scores,
    # and a real difference otherwise.
    edges = nd.join(sd, ["source", "target"], "full_outer").join(rows, "source")
    both = F.col("w_native").isNotNull() & F.col("w_spark").isNotNull()
    rel = rel_diff(F.col("w_native"), F.col("w_spark"))
    band_top = F.greatest("kth_native", "kth_spark") * (1 + tol)
    in_band = ~both & cut & (F.coalesce("w_native", "w_spark") <= band_top)
    edge_checks = {
        f"shared edges whose weights differ by more than {tol:g} relative": both & (rel > tol),
        "edges on one side only, above the tie band": ~both & ~in_band,
    }
    d = edges.agg(
        count_if(both).alias("shared"),
        F.max(F.when(both, rel)).alias("max_rel"),
        count_if(in_band).alias("band"),
        F.countDistinct(F.when(in_band, F.col("source"))).alias("band_sources"),
        *[count_if(c).alias(f"c{i}") for i, c in enumerate(edge_checks.values())],
    ).first()

    problems = []
    for table, checks, result in ((ents, entity_checks, e), (rows, row_checks, r), (edges, edge_checks, d)):
        for i, (what, cond) in enumerate(checks.items()):
            n = result[f"c{i}"] or 0
            if n:
                problems.append(f"{n} {what}")
                print(f"MISMATCH: {n} {what}, for instance:")
                for row in table.where(cond).limit(examples).collect():
                    print("   ", row.asDict())
    rows.unpersist()

    summary = (
        f"entities {native_name} {e['n_native']}, spark {e['n_spark']} ({e['isolated']} isolated, only in spark); "
        f"edges {native_name} {r['edges_native']}, spark {r['edges_spark']}, shared {d['shared']}; max relative weight "
        f"difference {d['max_rel'] or 0.0:.3g}; tie-band differences {d['band']} edges in {d['band_sources']} sources"
    )
    if problems:
        summary += "; problems: " + "; ".join(problems)
    return not problems, summary


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--native", required=True)
    p.add_argument("--spark", required=True)
    p.add_argument("--k", type=int, required=True, help="the k both sides were cut at")
    p.add_argument("--tol", type=float, default=1e-6)
    p.add_argument("--examples", type=int, default=5, help="mismatches shown")
    a = p.parse_args()
    spark = SparkSession.builder.appName("starmap-graph-compare").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    ok, summary = compare(spark, a.native, a.spark, a.k, a.tol, a.examples)
    print(("PASS: " if ok else "FAIL: ") + summary)
    spark.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
