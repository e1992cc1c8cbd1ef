"""Compares two graph folders in the `--graph` schema (DIR/entities: id, popularity;
DIR/edges: source, target, weight): the native builder's (`starmap build --export-graph`) and
the Spark job's (distributed/spark/starmap_graph.py).

    python compare.py --native DIR --spark DIR --k K [--tol 1e-6]

Passes when
  - the entity sets agree with the same popularity. The Spark job writes every kept entity; an
    entity it kept that the native table lacks is accepted only when it has no edge (the native
    build leaves such isolated entities out), and counted;
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


def compare(spark, native, spark_dir, k, tol=1e-6, examples=5):
    """Returns (passed, summary line); prints each mismatch found with a few instances."""
    problems = []

    def show(what, df):
        n = df.count()
        if n:
            problems.append(f"{n} {what}")
            print(f"MISMATCH: {n} {what}, for instance:")
            for r in df.limit(examples).collect():
                print("   ", r.asDict())
        return n

    ne = spark.read.parquet(f"{native}/entities").select("id", F.col("popularity").alias("pop_native"))
    se = spark.read.parquet(f"{spark_dir}/entities").select("id", F.col("popularity").alias("pop_spark"))
    nd = spark.read.parquet(f"{native}/edges").select("source", "target", F.col("weight").alias("w_native"))
    sd = spark.read.parquet(f"{spark_dir}/edges").select("source", "target", F.col("weight").alias("w_spark"))
    for name, df in (("native", nd), ("spark", sd)):
        dup = df.groupBy("source", "target").count().where("count > 1")
        show(f"repeated (source, target) edges in the {name} table", dup)
        show(f"self edges in the {name} table", df.where("source = target"))

    # Entities and popularity.
    ents = ne.join(se, "id", "full_outer").persist()
    spark_sources = sd.select(F.col("source").alias("id")).distinct().withColumn("has_edges", F.lit(True))
    only_spark = ents.where("pop_native IS NULL").join(spark_sources, "id", "left")
    isolated = only_spark.where("has_edges IS NULL").count()
    show("entities only in the Spark table that have edges there", only_spark.where("has_edges"))
    show("entities only in the native table", ents.where("pop_spark IS NULL"))
    show("entities with another popularity", ents.where("pop_native != pop_spark"))
    n_native, n_spark = ne.count(), se.count()

    # Per source: row length and the k-th (weakest kept) score on each side.
    def row_stats(df, w, side):
        return df.groupBy("source").agg(F.count(F.lit(1)).alias(f"n_{side}"), F.min(w).alias(f"kth_{side}"))

    rows = row_stats(nd, "w_native", "native").join(row_stats(sd, "w_spark", "spark"), "source", "full_outer")
    rows = rows.na.fill(0, ["n_native", "n_spark"]).persist()
    # A row not cut at k must hold the same entries; rows cut on both sides must agree on where.
    show("sources whose rows differ in length (one not cut at k)",
         rows.where(f"n_native != n_spark AND NOT (n_native = {k} AND n_spark = {k})"))
    show("sources with more than k edges", rows.where(f"n_native > {k} OR n_spark > {k}"))
    both_cut = rows.where(f"n_native = {k} AND n_spark = {k}")
    show("sources cut at k whose k-th scores differ beyond the tolerance",
         both_cut.where(rel_diff(F.col("kth_native"), F.col("kth_spark")) > tol))

    edges = nd.join(sd, ["source", "target"], "full_outer").join(rows, "source").persist()
    common = edges.where("w_native IS NOT NULL AND w_spark IS NOT NULL")
    common_n = common.count()
    max_rel = common.agg(F.max(rel_diff(F.col("w_native"), F.col("w_spark")))).first()[0] or 0.0
    show(f"shared edges whose weights differ by more than {tol:g} relative",
         common.where(rel_diff(F.col("w_native"), F.col("w_spark")) > tol)
         .select("source", "target", "w_native", "w_spark"))

    # An edge on one side only is a tie-band difference when both rows are cut at k and its
    # score is within the tolerance of the k-th scores; anything above the band is a real
    # difference.
    one_sided = (
        edges.where("w_native IS NULL OR w_spark IS NULL")
        .withColumn("w", F.coalesce("w_native", "w_spark"))
        .withColumn("band_top", F.greatest("kth_native", "kth_spark") * (1 + tol))
    )
    in_band = (F.col("n_native") == k) & (F.col("n_spark") == k) & (F.col("w") <= F.col("band_top"))
    band = one_sided.where(in_band)
    band_n = band.count()
    band_sources = band.select("source").distinct().count()
    show("edges on one side only, above the tie band", one_sided.where(~in_band).select(
        "source", "target", "w_native", "w_spark", "kth_native", "kth_spark", "n_native", "n_spark"))

    summary = (
        f"entities native {n_native}, spark {n_spark} ({isolated} isolated, only in spark); "
        f"edges native {nd.count()}, spark {sd.count()}, shared {common_n}; max relative weight "
        f"difference {max_rel:.3g}; tie-band differences {band_n} edges in {band_sources} sources"
    )
    if problems:
        summary += "; problems: " + "; ".join(problems)
    for df in (ents, rows, edges):
        df.unpersist()
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
