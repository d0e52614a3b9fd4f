package org.quant4j.tensor;

import org.quant4j.tensor.internal.FloatLanes;
import java.nio.file.Path;
import java.util.Arrays;
import org.quant4j.conformance.ConformanceRunner;
import org.quant4j.conformance.ConformanceSummary;

/**
 * A child JVM's main for {@link FloatLanesTest}: prints which lane access this JVM chose, as
 * {@code lanes=buffer|array chunk=N}, then replays the golden files given as arguments, as
 * {@code quant4j conformance} does, and exits with status 1 if any case failed.
 */
final class LaneAccessProbe {

  private LaneAccessProbe() {}

  /**
   * Prints the lane access and replays the golden files.
   *
   * @param args golden files or directories
   */
  public static void main(String[] args) {
    System.out.println("lanes=" + (FloatLanes.isBufferAccess() ? "buffer" : "array") + " chunk=" + FloatLanes.chunk()
        + " java=" + Runtime.version().feature());
    ConformanceSummary summary = ConformanceRunner.withAllReplayers()
        .run(Arrays.stream(args).map(Path::of).toList(), System.out);
    System.exit(summary.failed() == 0 ? 0 : 1);
  }
}
