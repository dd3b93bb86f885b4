package io.sluice.spark;

import io.sluice.spark.job.SluiceKryoRegistrator;
import org.apache.spark.SparkConf;

/** Spark settings shared by the tests: real Spark, {@code local[2]}, no UI, loopback only, Kryo. */
public final class SparkTestContexts {

  private SparkTestContexts() {}

  /** As the job runs: Kryo with {@link SluiceKryoRegistrator} (AnalyticsJob sets it on a new context). */
  public static SparkConf conf(String appName) {
    SparkConf conf = new SparkConf()
        .setMaster("local[2]")
        .setAppName(appName)
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.default.parallelism", "2")
        .set("spark.sql.shuffle.partitions", "2");
    SluiceKryoRegistrator.configure(conf);
    return conf;
  }
}
