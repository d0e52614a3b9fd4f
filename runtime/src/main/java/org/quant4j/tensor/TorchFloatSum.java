package org.quant4j.tensor;

/**
 * {@code torch.sum} of a contiguous float32 vector exactly as torch 1.13 computes it on an AVX2 CPU
 * with one thread ({@code cascade_sum} in {@code aten/src/ATen/native/cpu/SumKernel.cpp}): float32
 * accumulation over 8-lane vectors, four interleaved rows of vectors summed in a four-level cascade
 * ({@code multi_row_sum}), then the leftover vectors, the row partials, the scalar tail and finally
 * the eight lanes in order. The reference's MSE calibration takes the mean of a float32 vector this
 * way, and a {@code Clip}'s bound gradients are summed the same way, so reproducing the order
 * reproduces the reference's float32 bits (and the MSE arg-min on near ties).
 */
public final class TorchFloatSum {

  private static final int LANES = 8;
  private static final int ROWS = 4;
  private static final int LEVELS = 4;

  /** The size of the work space {@link #sum} needs. */
  public static final int SCRATCH_FLOATS = LEVELS * ROWS * LANES;

  private TorchFloatSum() {}

  /**
   * Sums {@code a[0..n)} in torch's order.
   *
   * @param a the values
   * @param n how many
   * @param scratch at least {@code LEVELS * ROWS * LANES = 128} floats of work space
   * @return the float32 sum
   */
  public static float sum(float[] a, int n, float[] scratch) {
    int vecSize = n / LANES;
    int sizeIlp = vecSize / ROWS;
    float[] acc = scratch;
    java.util.Arrays.fill(acc, 0, LEVELS * ROWS * LANES, 0f);
    int levelPower = Math.max(4, ceilLog2(sizeIlp) / LEVELS);
    int levelStep = 1 << levelPower;
    long levelMask = levelStep - 1;
    int i = 0;
    while (i + levelStep <= sizeIlp) {
      for (int j = 0; j < levelStep; j++, i++) {
        addRow(acc, 0, a, i * ROWS * LANES);
      }
      for (int lv = 1; lv < LEVELS; lv++) {
        int to = lv * ROWS * LANES;
        int from = (lv - 1) * ROWS * LANES;
        for (int k = 0; k < ROWS * LANES; k++) {
          acc[to + k] += acc[from + k];
          acc[from + k] = 0f;
        }
        if ((i & (levelMask << (lv * levelPower))) != 0) {
          break;
        }
      }
    }
    for (; i < sizeIlp; i++) {
      addRow(acc, 0, a, i * ROWS * LANES);
    }
    for (int lv = 1; lv < LEVELS; lv++) {
      for (int k = 0; k < ROWS * LANES; k++) {
        acc[k] += acc[lv * ROWS * LANES + k];
      }
    }
    // row_sum: leftover whole vectors go to row 0, then rows 1..3 fold into row 0
    for (int v = sizeIlp * ROWS; v < vecSize; v++) {
      for (int l = 0; l < LANES; l++) {
        acc[l] += a[v * LANES + l];
      }
    }
    for (int r = 1; r < ROWS; r++) {
      for (int l = 0; l < LANES; l++) {
        acc[l] += acc[r * LANES + l];
      }
    }
    float total = 0f;
    for (int k = vecSize * LANES; k < n; k++) {
      total += a[k];
    }
    for (int l = 0; l < LANES; l++) {
      total += acc[l];
    }
    return total;
  }

  /**
   * Sums all of {@code values} in torch's order, with its own work space.
   *
   * @param values the values (not modified)
   * @return the float32 sum
   */
  public static float of(float[] values) {
    return sum(values, values.length, new float[SCRATCH_FLOATS]);
  }

  private static void addRow(float[] acc, int level, float[] a, int offset) {
    int base = level * ROWS * LANES;
    for (int k = 0; k < ROWS * LANES; k++) {
      acc[base + k] += a[offset + k];
    }
  }

  /** c10's CeilLog2: 1 for x <= 2, else the bit length of x - 1. */
  private static int ceilLog2(long x) {
    if (x <= 2) {
      return 1;
    }
    return 64 - Long.numberOfLeadingZeros(x - 1);
  }
}
