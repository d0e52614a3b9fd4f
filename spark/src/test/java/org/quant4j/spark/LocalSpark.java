package org.quant4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The tests' Spark: one local context for the whole test JVM, two task threads, and a task may fail once and
 * be run again ({@code local[2,2]}: Spark's task retry, as on a cluster).
 */
final class LocalSpark {

  private static JavaSparkContext sc;

  private LocalSpark() {}

  static synchronized JavaSparkContext context() {
    if (sc == null) {
      SparkConf conf = new SparkConf().setMaster("local[2,2]").setAppName("quant4j-spark-tests")
          .set("spark.ui.enabled", "false")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.sql.shuffle.partitions", "2");
      sc = new JavaSparkContext(conf);
      sc.setLogLevel("ERROR");
    }
    return sc;
  }
}
