package org.quant4j.calib;

/**
 * The bin edges {@code np.histogram} and {@code np.arange} of numpy 1.24 produce for the reference's
 * numpy histogram path ({@code torch_hist=False}; golden {@code SEMANTICS.md} section 5).
 *
 * <p>{@code np.linspace(first, last, n, dtype=float32)} computes {@code j * step + first} in float64,
 * sets the last value to {@code last} and rounds to float32. {@code np.arange} on float32 scalars has
 * a float64 result (numpy promotes with its integer default): its length is
 * {@code ceil((stop - start) / step)} in the scalars' precision, its first two values are
 * {@code start} and {@code start + step} in that precision, and the rest {@code v0 + i * (v1 - v0)}
 * in float64.
 */
final class NumpyRanges {

  private NumpyRanges() {}

  /**
   * {@code np.linspace(first, last, n)} computed in float64 and cast to float32.
   *
   * @param first the first value
   * @param last the last value
   * @param n the number of values, at least 2
   * @return the values
   */
  static float[] linspaceFloat32(double first, double last, int n) {
    float[] out = new float[n];
    double step = (last - first) / (n - 1);
    for (int j = 0; j < n; j++) {
      out[j] = (float) (j * step + first);
    }
    out[n - 1] = (float) last;
    return out;
  }

  /**
   * {@code np.arange(start, stop, step)} for float32 scalars (the arithmetic on the scalars is
   * float32, the result float64).
   *
   * @param start the first value
   * @param stop the exclusive end
   * @param step the step
   * @return the values
   */
  static double[] arangeOfFloats(float start, float stop, float step) {
    long length = (long) Math.ceil((double) ((stop - start) / step));
    return fill(start, (float) (start + step), length);
  }

  /**
   * {@code np.arange(start, stop, step)} for float64 scalars.
   *
   * @param start the first value
   * @param stop the exclusive end
   * @param step the step
   * @return the values
   */
  static double[] arangeOfDoubles(double start, double stop, double step) {
    long length = (long) Math.ceil((stop - start) / step);
    return fill(start, start + step, length);
  }

  private static double[] fill(double first, double second, long length) {
    if (length <= 0) {
      return new double[0];
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("histogram growth would need " + length
          + " bins, expected at most " + (Integer.MAX_VALUE - 8));
    }
    double[] out = new double[(int) length];
    out[0] = first;
    if (length > 1) {
      out[1] = second;
      double delta = second - first;
      for (int i = 2; i < out.length; i++) {
        out[i] = first + i * delta;
      }
    }
    return out;
  }
}
