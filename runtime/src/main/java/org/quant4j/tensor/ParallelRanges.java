package org.quant4j.tensor;

import java.util.stream.IntStream;

/**
 * Splits the element range of a large memory-bound kernel into one contiguous part per core, so that
 * the kernel reaches the machine's memory bandwidth rather than one core's. Small ranges run on the
 * calling thread. The number of parts is the system property {@code quant4j.kernel.threads}, by
 * default the number of available processors.
 */
final class ParallelRanges {

  /** Ranges below this many elements run on the calling thread. */
  static final long PARALLEL_THRESHOLD = 1L << 20;

  /** Part boundaries are multiples of this many elements (a cache line of floats times 4). */
  private static final long ALIGNMENT = 64;

  private static final int THREADS = Math.max(1,
      Integer.getInteger("quant4j.kernel.threads", Runtime.getRuntime().availableProcessors()));

  private ParallelRanges() {}

  /**
   * Runs the kernel over {@code [0, n)}, in parts when n is large.
   *
   * @param n the number of elements
   * @param kernel the kernel; it must be safe to call concurrently on disjoint ranges
   */
  static void forEach(long n, Range kernel) {
    int parts = (int) Math.min(THREADS, n / PARALLEL_THRESHOLD);
    if (parts <= 1) {
      kernel.run(0, n);
      return;
    }
    long chunk = ((n / parts) + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    IntStream.range(0, parts).parallel().forEach(p -> {
      long from = Math.min(n, p * chunk);
      long to = p == parts - 1 ? n : Math.min(n, from + chunk);
      if (from < to) {
        kernel.run(from, to);
      }
    });
  }
}
