package org.quant4j.calib;

/**
 * Bit-exact float32 {@code torch.linspace} and {@code torch.arange} of torch 1.13 on an AVX2 CPU,
 * which the reference's histogram edges come from (golden {@code SEMANTICS.md} section 5).
 *
 * <p>Both kernels fill 16-element blocks as two 8-wide vectors and finish the rest with the scalar
 * formula. linspace: {@code step = (end - start) / (n - 1)} in float32; a vector starting at index i
 * has base {@code fma(step, i, start)} below {@code n / 2} and {@code fma(-step, n - 1 - i, end)} from
 * there, and element j of it is {@code base + j * step}, a float32 multiply then add. arange with a
 * float32 result accumulates in double: a vector's base is {@code (float) (step * i)} and element j is
 * {@code (float) ((double) base + j * step)}; the tail is {@code (float) (step * k)}.
 */
final class TorchRanges {

  private static final int LANES = 8;

  private TorchRanges() {}

  /**
   * {@code torch.linspace(start, end, n)} in float32.
   *
   * @param start the first value
   * @param end the last value
   * @param n the number of values, at least 1
   * @return the values
   */
  static float[] linspace(float start, float end, int n) {
    float[] out = new float[n];
    if (n == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (float) (n - 1);
    int halfway = n / 2;
    int i = 0;
    for (; i + 2 * LANES <= n; i += 2 * LANES) {
      for (int v = i; v < i + 2 * LANES; v += LANES) {
        float base = v < halfway
            ? Math.fma(step, (float) v, start)
            : Math.fma(-step, (float) (n - v - 1), end);
        for (int j = 0; j < LANES; j++) {
          out[v + j] = base + (float) j * step;
        }
      }
    }
    for (; i < n; i++) {
      out[i] = i < halfway
          ? Math.fma(step, (float) i, start)
          : Math.fma(-step, (float) (n - i - 1), end);
    }
    return out;
  }

  /**
   * The length of {@code torch.arange(0, end, step)}: {@code ceil(end / step)} in double.
   *
   * @param end the exclusive end
   * @param step the step, positive
   * @return the length
   */
  static long arangeLength(double end, double step) {
    return (long) Math.ceil(end / step);
  }

  /**
   * {@code torch.arange(0, end, step)} with a float32 result.
   *
   * @param end the exclusive end (the double value of a float32 scalar)
   * @param step the step (the double value of a float32 scalar)
   * @return the values
   */
  static float[] arange(double end, double step) {
    long size = arangeLength(end, step);
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("arange(0, " + end + ", " + step + ") would have " + size
          + " elements, expected at most " + (Integer.MAX_VALUE - 8));
    }
    int n = (int) size;
    float[] out = new float[n];
    int i = 0;
    for (; i + 2 * LANES <= n; i += 2 * LANES) {
      for (int v = i; v < i + 2 * LANES; v += LANES) {
        float base = (float) (step * v);
        for (int j = 0; j < LANES; j++) {
          out[v + j] = (float) ((double) base + j * step);
        }
      }
    }
    for (; i < n; i++) {
      out[i] = (float) (step * i);
    }
    return out;
  }
}
