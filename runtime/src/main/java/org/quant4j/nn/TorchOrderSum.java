package org.quant4j.nn;

/**
 * {@code tensor.sum()} of contiguous float32 values in the order torch 1.13's CPU kernel adds them
 * ({@code cascade_sum} in {@code aten/src/ATen/native/cpu/SumKernel.cpp}, AVX2, one thread): the
 * whole 8-lane vectors are grouped four at a time into a row accumulator with a four-level cascade,
 * leftover vectors and the three other rows fold into row 0, then the scalar tail is summed and the
 * eight lanes are added to it in lane order. The reference sums a Clip's bound gradients this way,
 * so the same order gives the same float32 bits.
 */
final class TorchOrderSum {

  private static final int LANES = 8;
  private static final int ROWS = 4;
  private static final int LEVELS = 4;
  private static final int ROW_FLOATS = ROWS * LANES;

  private TorchOrderSum() {}

  /**
   * The float32 sum of all values, in torch's order.
   *
   * @param values the values (not modified)
   * @return the sum
   */
  static float of(float[] values) {
    int vectors = values.length / LANES;
    int groups = vectors / ROWS;
    float[][] level = new float[LEVELS][ROW_FLOATS];
    int stepPower = Math.max(4, ceilLog2(groups) / LEVELS);
    int step = 1 << stepPower;
    int group = 0;
    while (group + step <= groups) {
      for (int j = 0; j < step; j++, group++) {
        addInto(level[0], values, group * ROW_FLOATS);
      }
      for (int lv = 1; lv < LEVELS; lv++) {
        for (int k = 0; k < ROW_FLOATS; k++) {
          level[lv][k] += level[lv - 1][k];
          level[lv - 1][k] = 0f;
        }
        long mask = (long) (step - 1) << (lv * stepPower);
        if ((group & mask) != 0) {
          break;
        }
      }
    }
    for (; group < groups; group++) {
      addInto(level[0], values, group * ROW_FLOATS);
    }
    float[] row = level[0];
    for (int lv = 1; lv < LEVELS; lv++) {
      for (int k = 0; k < ROW_FLOATS; k++) {
        row[k] += level[lv][k];
      }
    }
    for (int v = groups * ROWS; v < vectors; v++) {
      for (int l = 0; l < LANES; l++) {
        row[l] += values[v * LANES + l];
      }
    }
    for (int r = 1; r < ROWS; r++) {
      for (int l = 0; l < LANES; l++) {
        row[l] += row[r * LANES + l];
      }
    }
    float total = 0f;
    for (int i = vectors * LANES; i < values.length; i++) {
      total += values[i];
    }
    for (int l = 0; l < LANES; l++) {
      total += row[l];
    }
    return total;
  }

  private static void addInto(float[] acc, float[] values, int offset) {
    for (int k = 0; k < ROW_FLOATS; k++) {
      acc[k] += values[offset + k];
    }
  }

  /** c10's {@code CeilLog2}: 1 up to 2, else the bit length of {@code x - 1}. */
  private static int ceilLog2(int x) {
    return x <= 2 ? 1 : 32 - Integer.numberOfLeadingZeros(x - 1);
  }
}
