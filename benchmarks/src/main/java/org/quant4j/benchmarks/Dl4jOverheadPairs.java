package org.quant4j.benchmarks;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The overhead ratios of {@link Dl4jOverheadBenchmark} measured as interleaved A/B pairs: each pair
 * times the plain call and the quant4j call back to back, and the ratio reported is the median over
 * pairs, which holds up on a busy 2-core machine where single timings swing widely (the reference's
 * figures were taken the same way).
 *
 * <p>Run: {@code java -cp <classpath> org.quant4j.benchmarks.Dl4jOverheadPairs [pairs]}.
 */
public final class Dl4jOverheadPairs {

  private Dl4jOverheadPairs() {}

  /**
   * Prints, per network, the median ratio of calibration pass / output, quant output / output and
   * QAT step / plain step.
   *
   * @param args optional number of pairs (default 30)
   */
  public static void main(String[] args) {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    for (String network : new String[] {"lenet", "resblock"}) {
      Dl4jOverheadBenchmark b = new Dl4jOverheadBenchmark();
      b.network = network;
      b.setUp();
      for (int i = 0; i < 5; i++) {
        b.plainOutput();
        b.quantOutput();
        b.calibrationOutput();
        b.plainFit();
        b.qatFit();
      }
      System.out.printf("%s: calibration/output %.3f, quant/plain output %.3f, QAT/plain step %.3f (%d pairs)%n",
          network, median(pairs, b::plainOutput, b::calibrationOutput), median(pairs, b::plainOutput, b::quantOutput),
          median(pairs, b::plainFit, b::qatFit), pairs);
    }
  }

  private static double median(int pairs, Supplier<?> plain, Supplier<?> quant) {
    double[] ratios = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      boolean plainFirst = i % 2 == 0;
      long a = plainFirst ? time(plain) : 0;
      long q = time(quant);
      if (!plainFirst) {
        a = time(plain);
      }
      ratios[i] = (double) q / a;
    }
    Arrays.sort(ratios);
    return pairs % 2 == 1 ? ratios[pairs / 2] : (ratios[pairs / 2 - 1] + ratios[pairs / 2]) / 2;
  }

  private static long time(Supplier<?> call) {
    long t0 = System.nanoTime();
    call.get();
    return System.nanoTime() - t0;
  }
}
