package org.quant4j.data;

import java.util.Arrays;

/**
 * The contents of one IDX file: its dimensions and its values, widened to {@code float}.
 *
 * <p>The IDX format (LeCun et al., "The MNIST database", http://yann.lecun.com/exdb/mnist/) is a
 * big-endian header {@code 0, 0, type, rank}, then {@code rank} 32-bit sizes, then the values in row-major
 * order. Every element type of the format (unsigned byte, signed byte, short, int, float, double) is
 * representable here; unsigned bytes, the type of MNIST, convert exactly.
 *
 * @param dims the sizes, outermost first (for MNIST images {@code [n, 28, 28]}, for labels {@code [n]})
 * @param values the values in row-major order, {@code product(dims)} of them
 */
public record IdxArray(int[] dims, float[] values) {

  /**
   * Checks that the values match the dimensions and keeps copies of neither (the reader hands over
   * fresh arrays).
   *
   * @throws IllegalArgumentException if {@code values.length} is not the product of {@code dims}
   */
  public IdxArray {
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("dims must be >= 0, got " + Arrays.toString(dims));
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "values has " + values.length + " elements, expected product of dims " + Arrays.toString(dims)
              + " = " + n);
    }
  }

  /** @return the number of items along the first dimension (the number of images or labels) */
  public int count() {
    return dims.length == 0 ? 1 : dims[0];
  }

  /** @return the number of values per item: the product of every dimension but the first */
  public int itemSize() {
    int s = 1;
    for (int i = 1; i < dims.length; i++) {
      s *= dims[i];
    }
    return s;
  }
}
