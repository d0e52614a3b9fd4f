package org.quant4j.tensor;

import org.quant4j.cli.Quant4jCommand;

/**
 * A child JVM's main for {@link FloatLanesTest}: prints which lane access this JVM chose, as
 * {@code lanes=buffer|array chunk=N}, then runs the {@code quant4j} command line with the given
 * arguments (and exits with its status).
 */
final class LaneAccessProbe {

  private LaneAccessProbe() {}

  /**
   * Prints the lane access and runs the command line.
   *
   * @param args the {@code quant4j} arguments, e.g. {@code conformance <golden dir>}
   */
  public static void main(String[] args) {
    System.out.println("lanes=" + (FloatLanes.isBufferAccess() ? "buffer" : "array") + " chunk=" + FloatLanes.chunk()
        + " java=" + Runtime.version().feature());
    Quant4jCommand.main(args);
  }
}
