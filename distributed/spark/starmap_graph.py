"""Starmap's heavy front (ingest -> co-occurrence -> per-entity top-k) as a Spark job.

Reproduces core/src/ingest.rs and core/src/cooc.rs (`top_similar`) in double precision and
writes the graph in the table schema `starmap build --graph DIR` reads:

    DIR/entities/  id: string, popularity: int64
    DIR/edges/     source: string, target: string, weight: double  (each entity's top k, directed)

    spark-submit starmap_graph.py --interactions PATH --entity-col C --context-col C \
        [--weight-col C] [--format parquet|csv|tsv] [--min-contexts 2] [--max-context-size 1000] \
        [--weight-transform log1p|raw|binary] [--similarity cosine|cosine-damped|count] \
        [--k 90] [--seed 0] --out DIR

Paths may be local or object-store URIs (s3a://, gs://, abfss://); Spark resolves them.
docs/DISTRIBUTED.md says what runs where and how to submit it to a cluster.

Every floating-point sum is taken over its terms sorted by value (`ordered_sum`; a plain sum
where every term is a whole number, exact in any order): Spark's
shuffles deliver rows in no fixed order, and a plain `sum` of doubles would then differ in the
last bits from run to run, which can flip near-ties at the top-k cut.
"""

import argparse
import math
import sys

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, NumericType

MASK = (1 << 64) - 1
# f32::MIN_POSITIVE: the native builder floors each pair contribution at it, so a pair sharing
# only zero-weight interactions is still an edge (with weight ~0).
F32_MIN_POSITIVE = 1.1754943508222875e-38
DEFAULTS = dict(min_contexts=2, max_context_size=1000, k=90, seed=0, similarity="cosine")


# --- core/src/hash.rs, in unsigned 64-bit arithmetic -------------------------------------


def mix64(z: int) -> int:
    """SplitMix64 finaliser (hash.rs `mix64`)."""
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def hash_str(s: str) -> int:
    """FNV-1a 64 over the UTF-8 bytes (hash.rs `hash_str`)."""
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK
    return h


def to_signed(u: int) -> int:
    """A u64 as the i64 with the same bits (Spark has no unsigned long)."""
    return u - (1 << 64) if u >= 1 << 63 else u


def to_unsigned(s: int) -> int:
    return s & MASK


@F.udf(LongType())
def hash_str_udf(s):
    return to_signed(hash_str(s))


def context_salt_udf(seed: int):
    @F.udf(LongType())
    def salt(context_id):
        return to_signed(mix64(seed ^ hash_str(context_id)))

    return salt


@F.udf(LongType())
def sample_key_udf(salt, entity_hash):
    # mix64(salt ^ hash) shifted by 2^63: signed order of the result is the unsigned order of
    # the key, which is what the native builder sorts by.
    return mix64(to_unsigned(salt) ^ to_unsigned(entity_hash)) - (1 << 63)


def ordered_sum(col, whole_terms=False):
    """Sum of a group's doubles in ascending order: the same bits whatever the row order.

    With whole_terms (every term a small whole number, as with unweighted input and no
    damping) any order gives the exact sum, so Spark's plain sum, which it can combine before
    the shuffle, is as deterministic and cheaper."""
    if whole_terms:
        return F.sum(col).cast("double")
    return F.aggregate(F.array_sort(F.collect_list(col)), F.lit(0.0).cast("double"), lambda acc, x: acc + x)


# --- arguments ----------------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="starmap_graph.py",
        description="Starmap's ingest -> co-occurrence -> top-k as a Spark job; writes DIR/entities and DIR/edges (Parquet).",
    )
    p.add_argument("--interactions", required=True, help="file or folder: CSV/TSV (may be .gz) or Parquet")
    p.add_argument("--entity-col", required=True)
    p.add_argument("--context-col", required=True)
    p.add_argument("--weight-col")
    p.add_argument("--format", choices=["parquet", "csv", "tsv"], help="default: from the extension")
    p.add_argument("--min-contexts", type=int, default=DEFAULTS["min_contexts"])
    p.add_argument("--max-context-size", type=int, default=DEFAULTS["max_context_size"])
    p.add_argument("--weight-transform", choices=["log1p", "raw", "binary"], default="log1p")
    p.add_argument("--similarity", choices=["cosine", "cosine-damped", "count"], default=DEFAULTS["similarity"])
    p.add_argument("--k", type=int, default=DEFAULTS["k"], help="neighbours kept per entity (the native build asks for max(--neighbors, 10, 3 x perplexity))")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    p.add_argument("--out", required=True, help="output folder (its entities/ and edges/ are overwritten)")
    a = p.parse_args(argv)
    # The same bounds as the native parameters (ingest.rs, build_params.rs).
    if a.min_contexts < 1:
        p.error(f"--min-contexts must be at least 1, got {a.min_contexts}")
    if a.max_context_size < 2:
        p.error(f"--max-context-size must be at least 2, got {a.max_context_size}")
    if a.k < 1:
        p.error(f"--k must be at least 1, got {a.k}")
    if not 0 <= a.seed <= (1 << 63) - 1:
        p.error(f"--seed must be between 0 and 9223372036854775807, got {a.seed}")
    if a.format is None:
        a.format = format_from_path(a.interactions)
    return a


def format_from_path(path: str) -> str:
    """The native dialect rule (table.rs): .tsv/.tab/.dat (also under .gz) is tab-separated."""
    name = path.rstrip("/").lower()
    if name.endswith(".parquet") or name.endswith(".pq"):
        return "parquet"
    name = name[:-3] if name.endswith(".gz") else name
    return "tsv" if name.endswith((".tsv", ".tab", ".dat")) else "csv"


# --- stage 1: ingest (core/src/ingest.rs) ---------------------------------------------------


class InputError(Exception):
    pass


def trimmed(col):
    # Rust's str::trim strips Unicode white space; (?U) makes Java's \s mean the same.
    return F.regexp_replace(F.coalesce(col.cast("string"), F.lit("")), r"(?U)^\s+|\s+$", "")


def read_interactions(spark: SparkSession, a) -> DataFrame:
    """Rows as (entity, context, weight); the weight is checked like the native parse_weight."""
    if a.format == "parquet":
        raw = spark.read.parquet(a.interactions)
    else:
        reader = spark.read.option("header", True).option("inferSchema", False).option("mode", "FAILFAST")
        if a.format == "tsv":
            # TSV is read without quote handling, as natively.
            reader = reader.option("sep", "\t").option("quote", "")
        else:
            # RFC 4180 quoting: "" inside quotes is a quote (the csv crate's default).
            reader = reader.option("sep", ",").option("quote", '"').option("escape", '"')
        raw = reader.csv(a.interactions)

    found = raw.columns
    header = {c.strip(): c for c in found}
    for flag, name in (("--entity-col", a.entity_col), ("--context-col", a.context_col), ("--weight-col", a.weight_col)):
        if name is not None and name not in header:
            raise InputError(f"{flag} {name!r}: no such column in {a.interactions}; the columns are: {', '.join(found)}")

    def col(name):
        return raw[header[name]]

    if a.weight_col is None:
        weight = F.lit(1.0).cast("double")
    else:
        # Text (CSV) is parsed as the native builder parses it; a typed Parquet column is taken
        # as it is.
        numeric = isinstance(raw.schema[header[a.weight_col]].dataType, NumericType)
        weight_text = col(a.weight_col).cast("string") if numeric else trimmed(col(a.weight_col))
        weight = col(a.weight_col).cast("double") if numeric else weight_text.try_cast("double")
        bad = raw.select(weight_text.alias("w"), weight.alias("v")).where(
            F.col("v").isNull() | F.isnan("v") | (F.abs("v") == float("inf")) | (F.col("v") < 0)
        )
        first_bad = bad.limit(1).collect()
        if first_bad:
            n_bad = bad.count()
            raise InputError(
                f"--weight-col {a.weight_col!r}: {n_bad} rows hold no finite weight of zero or more, "
                f"for instance {first_bad[0]['w']!r}"
            )
    return raw.select(
        trimmed(col(a.entity_col)).alias("entity"),
        trimmed(col(a.context_col)).alias("context"),
        weight.alias("weight"),
    )


def merge_pairs(rows: DataFrame, whole_terms: bool) -> DataFrame:
    """Rows with an empty id skipped; repeated (context, entity) pairs merged by summing."""
    return (
        rows.where((F.col("entity") != "") & (F.col("context") != ""))
        .groupBy("context", "entity")
        .agg(ordered_sum("weight", whole_terms).alias("weight"))
    )


def keep_entities(pairs: DataFrame, min_contexts: int) -> DataFrame:
    """(id, popularity): entities in at least min_contexts distinct contexts, counted before capping."""
    return (
        pairs.groupBy("entity")
        .agg(F.count(F.lit(1)).cast("long").alias("popularity"))
        .where(F.col("popularity") >= min_contexts)
        .withColumnRenamed("entity", "id")
    )


def cap_contexts(pairs: DataFrame, entities: DataFrame, max_size: int, seed: int) -> DataFrame:
    """Each context's kept members; a context with more than max_size keeps those with the
    smallest mix64(mix64(seed ^ hash_str(context)) ^ hash_str(entity)), as natively (ties, which
    need a 64-bit hash collision, go by id here and by entity index natively)."""
    members = pairs.join(entities.select(F.col("id").alias("entity")), "entity")
    sized = members.withColumn("size", F.count(F.lit(1)).over(Window.partitionBy("context")))
    small = sized.where(F.col("size") <= max_size).drop("size")
    large = sized.where(F.col("size") > max_size).drop("size")
    # Hashes only for the ids of capped contexts, each id hashed once.
    salts = large.select("context").distinct().withColumn("salt", context_salt_udf(seed)("context"))
    hashes = large.select("entity").distinct().withColumn("entity_hash", hash_str_udf("entity"))
    keyed = (
        large.join(salts, "context")
        .join(hashes, "entity")
        .withColumn("key", sample_key_udf("salt", "entity_hash"))
    )
    rank = F.row_number().over(Window.partitionBy("context").orderBy("key", "entity"))
    sampled = keyed.withColumn("rank", rank).where(F.col("rank") <= max_size).select("context", "entity", "weight")
    return small.select("context", "entity", "weight").unionByName(sampled)


def transform_weights(members: DataFrame, transform: str, has_weights: bool) -> DataFrame:
    # Without a weight column every interaction weighs 1, whatever the transform.
    if not has_weights or transform == "binary":
        w = F.lit(1.0)
    elif transform == "log1p":
        w = F.log1p("weight")
    else:
        w = F.col("weight")
    return members.withColumn("weight", w.cast("double"))


# --- stages 2-3: co-occurrence and top-k (core/src/cooc.rs `top_similar`) ------------------


def context_weights(members: DataFrame, similarity: str) -> DataFrame:
    """(context, ctxw): 1 / ln(e + |context|) for cosine-damped (|context| after capping), else 1."""
    sizes = members.groupBy("context").agg(F.count(F.lit(1)).alias("size"))
    if similarity == "cosine-damped":
        ctxw = 1.0 / F.log(F.lit(math.e) + F.col("size"))
    else:
        ctxw = F.lit(1.0)
    return sizes.select("context", ctxw.cast("double").alias("ctxw"))


def norms(members: DataFrame, whole_terms: bool) -> DataFrame:
    """(entity, norm): sqrt(sum over its contexts of w^2 * ctxw)."""
    return members.groupBy("entity").agg(
        F.sqrt(ordered_sum(F.col("weight") * F.col("weight") * F.col("ctxw"), whole_terms)).alias("norm")
    )


def cooccurrence(members: DataFrame, whole_terms: bool) -> DataFrame:
    """(source, target, raw): sum over shared contexts of w_source * w_target * ctxw.

    A join on the context, pair by pair: Sum |context|^2 rows, the cost the native builder pays
    too; the n x n matrix is never formed beyond the pairs that do co-occur."""
    left = members.select("context", F.col("entity").alias("source"), F.col("weight").alias("ws"), "ctxw")
    right = members.select("context", F.col("entity").alias("target"), F.col("weight").alias("wt"))
    term = F.greatest(F.col("ws") * F.col("ctxw") * F.col("wt"), F.lit(F32_MIN_POSITIVE))
    return (
        left.join(right, "context")
        .where(F.col("source") != F.col("target"))
        .groupBy("source", "target")
        .agg(ordered_sum(term, whole_terms).alias("raw"))
    )


def similarities(pairs: DataFrame, entity_norms: DataFrame, similarity: str) -> DataFrame:
    if similarity == "count":
        return pairs.select("source", "target", F.col("raw").alias("weight"))
    ns = entity_norms.select(F.col("entity").alias("source"), F.col("norm").alias("ns"))
    nt = entity_norms.select(F.col("entity").alias("target"), F.col("norm").alias("nt"))
    # A norm is zero only where every weight is: such a source is similar to nothing, and such a
    # target's terms are all floored, so natively (weights pre-divided by the target's norm, 0
    # for a zero norm) they are divided by the source's norm alone.
    weight = (
        F.when(F.col("ns") == 0, F.lit(0.0))
        .when(F.col("nt") == 0, F.col("raw") / F.col("ns"))
        .otherwise(F.col("raw") / (F.col("ns") * F.col("nt")))
    )
    return pairs.join(ns, "source").join(nt, "target").select("source", "target", weight.alias("weight"))


def top_k(scores: DataFrame, k: int) -> DataFrame:
    """Each source's k strongest targets, ties by target id (natively by entity index)."""
    order = Window.partitionBy("source").orderBy(F.col("weight").desc(), F.col("target"))
    return scores.withColumn("rank", F.row_number().over(order)).where(F.col("rank") <= k)


# --- the job --------------------------------------------------------------------------------


def build_graph(spark: SparkSession, a):
    """(entities, edges) DataFrames in the output schema."""
    rows = read_interactions(spark, a)
    unweighted = a.weight_col is None or a.weight_transform == "binary"
    # With binary weights the merged sums are never read, so their bits need no fixed order.
    pairs = merge_pairs(rows, unweighted).persist()
    entities = keep_entities(pairs, a.min_contexts).persist()
    members = cap_contexts(pairs, entities, a.max_context_size, a.seed)
    members = transform_weights(members, a.weight_transform, a.weight_col is not None)
    members = members.join(context_weights(members, a.similarity), "context").persist()
    # Weights of 1 and no damping: every sum below adds whole numbers.
    whole = unweighted and a.similarity != "cosine-damped"
    scores = similarities(cooccurrence(members, whole), norms(members, whole), a.similarity)
    edges = top_k(scores, a.k)
    return entities, edges


def write_graph(entities: DataFrame, edges: DataFrame, out: str):
    """Each part sorted by source, strongest first: the same rows for the same input (how they
    split into files may vary with adaptive execution; `--graph` numbers entities by sorted id)."""
    out = out.rstrip("/")
    parts = int(entities.sparkSession.conf.get("spark.sql.shuffle.partitions"))
    (
        entities.select(F.col("id").cast("string"), F.col("popularity").cast("long"))
        .repartition(max(1, parts // 8), "id")
        .sortWithinPartitions("id")
        .write.mode("overwrite")
        .parquet(f"{out}/entities")
    )
    (
        edges.repartition(parts, "source")
        .sortWithinPartitions("source", "rank")
        .select(F.col("source").cast("string"), F.col("target").cast("string"), F.col("weight").cast("double"))
        .write.mode("overwrite")
        .parquet(f"{out}/edges")
    )


def run(spark: SparkSession, argv) -> None:
    """Parses `argv`, builds the graph and writes it; InputError on unusable input."""
    a = parse_args(argv)
    entities, edges = build_graph(spark, a)
    if entities.limit(1).count() == 0:
        raise InputError(f"no entity is left: none is seen in at least {a.min_contexts} contexts (--min-contexts)")
    write_graph(entities, edges, a.out)


def main():
    parse_args(sys.argv[1:])  # bad arguments fail before the JVM starts
    # A platform that runs the script in its own session (Databricks-style) keeps it running.
    ours = SparkSession.getActiveSession() is None
    spark = SparkSession.builder.appName("starmap-graph").getOrCreate()
    try:
        run(spark, sys.argv[1:])
    except InputError as e:
        print(f"starmap_graph: {e}", file=sys.stderr)
        return 2
    finally:
        if ours:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
