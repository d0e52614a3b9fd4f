package org.quant4j.examples.demo;

import java.util.Arrays;

/**
 * Wall-clock timings of a quantized operation and its plain counterpart taken as interleaved pairs
 * (quantized, plain, quantized, plain, ...) after one warm-up of each, so that drift in the machine's
 * load hits both alike; summarised by medians (single timings on a shared 2-core machine swing by ±40%).
 *
 * @param what what was timed
 * @param quantizedMs the quantized timings, one per pair, in milliseconds
 * @param plainMs the plain timings, one per pair, in milliseconds (empty for a lone timing)
 */
public record PairedTiming(String what, double[] quantizedMs, double[] plainMs) {

  /**
   * Times {@code pairs} interleaved pairs.
   *
   * @param what what is timed
   * @param pairs the number of pairs, at least 1
   * @param quantized the quantized operation
   * @param plain the plain operation
   * @return the timings
   */
  public static PairedTiming measure(String what, int pairs, Runnable quantized, Runnable plain) {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs must be >= 1, got " + pairs);
    }
    quantized.run();
    plain.run();
    double[] q = new double[pairs];
    double[] p = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      q[i] = time(quantized);
      p[i] = time(plain);
    }
    return new PairedTiming(what, q, p);
  }

  /**
   * Times one operation {@code reps} times after a warm-up.
   *
   * @param what what is timed
   * @param reps repetitions, at least 1
   * @param op the operation
   * @return the timings, with no plain side
   */
  public static PairedTiming measureAlone(String what, int reps, Runnable op) {
    if (reps < 1) {
      throw new IllegalArgumentException("reps must be >= 1, got " + reps);
    }
    op.run();
    double[] q = new double[reps];
    for (int i = 0; i < reps; i++) {
      q[i] = time(op);
    }
    return new PairedTiming(what, q, new double[0]);
  }

  private static double time(Runnable op) {
    long t0 = System.nanoTime();
    op.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** @return the median quantized time in ms */
  public double medianQuantizedMs() {
    return median(quantizedMs);
  }

  /** @return the median plain time in ms, NaN for a lone timing */
  public double medianPlainMs() {
    return plainMs.length == 0 ? Double.NaN : median(plainMs);
  }

  /** @return the median over pairs of quantized / plain, NaN for a lone timing */
  public double medianRatio() {
    if (plainMs.length == 0) {
      return Double.NaN;
    }
    double[] r = new double[plainMs.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = quantizedMs[i] / plainMs[i];
    }
    return median(r);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
