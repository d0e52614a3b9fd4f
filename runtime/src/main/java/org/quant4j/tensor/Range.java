package org.quant4j.tensor;

/** A kernel over a range of element indices, {@code [from, to)} in C order. */
@FunctionalInterface
interface Range {

  /**
   * Processes the elements {@code [from, to)}.
   *
   * @param from the first index
   * @param to one past the last index
   */
  void run(long from, long to);
}
