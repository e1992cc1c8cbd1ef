"""The Spark job against the plain-Python reference (reference.py) on the hand-made
example.csv, in one Spark session: repeated pairs summed, weights transformed (log1p, raw),
contexts capped by the seeded hash, cosine-damped and count similarities, quoted and padded
ids, empty ids, a rare entity, Parquet input with typed weights; and a missing column's
error. Exits 1 on any difference.

    python example.py OUT_DIR
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "distributed", "spark"))

from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import starmap_graph  # noqa: E402
from compare import compare  # noqa: E402
from reference import write_reference  # noqa: E402

# The demo comparison with the native builder covers unweighted cosine; these cover the rest.
CASES = {
    "log1p-damped-capped": ["--weight-col", "plays", "--similarity", "cosine-damped", "--max-context-size", "8",
                            "--k", "5", "--seed", "3"],
    "raw-count-capped": ["--weight-col", "plays", "--weight-transform", "raw", "--similarity", "count",
                         "--max-context-size", "12", "--k", "4"],
}


def main():
    out = sys.argv[1]
    spark = SparkSession.builder.appName("starmap-graph-example").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    # The job's UDFs are pickled by reference to its module: the Python workers import it too.
    spark.sparkContext.addPyFile(starmap_graph.__file__)
    base = ["--interactions", os.path.join(HERE, "example.csv"), "--entity-col", "item", "--context-col", "user"]
    failed = []
    for name, args in CASES.items():
        k = int(args[args.index("--k") + 1])
        starmap_graph.run(spark, base + args + ["--out", f"{out}/{name}/spark"])
        write_reference(spark, base + args + ["--out", f"{out}/{name}/reference"])
        ok, summary = compare(spark, f"{out}/{name}/reference", f"{out}/{name}/spark", k, native_name="reference")
        print(f"example {name}: {'PASS' if ok else 'FAIL'}: {summary}")
        if not ok:
            failed.append(name)
    # Parquet input, the weights typed (int): the first case again, against its reference.
    name, args = next(iter(CASES.items()))
    pq = f"{out}/example.parquet"
    (spark.read.option("header", True).csv(base[1]).withColumn("plays", F.col("plays").cast("int"))
     .write.mode("overwrite").parquet(pq))
    starmap_graph.run(spark, ["--interactions", pq] + base[2:] + args + ["--out", f"{out}/parquet/spark"])
    ok, summary = compare(spark, f"{out}/{name}/reference", f"{out}/parquet/spark", int(args[args.index("--k") + 1]),
                          native_name="reference")
    print(f"example {name}, from Parquet: {'PASS' if ok else 'FAIL'}: {summary}")
    if not ok:
        failed.append(f"{name} (Parquet)")
    try:
        starmap_graph.run(spark, base[:-1] + ["actor", "--out", f"{out}/error"])
        failed.append("missing-column (no error)")
    except starmap_graph.InputError as e:
        ok = "the columns are: user, item, plays" in str(e)
        print(f"example missing-column: {'PASS' if ok else 'FAIL'}: {e}")
        if not ok:
            failed.append("missing-column")
    spark.stop()
    if failed:
        print(f"FAIL: example cases {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
