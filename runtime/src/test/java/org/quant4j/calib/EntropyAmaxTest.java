package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quant4j.tensor.TorchFloatSum;

class EntropyAmaxTest {

  /** The reference's loop: every candidate scored exactly, the last minimum (NaN counting as minimum). */
  private static int bruteForce(double[] hist, int numBits, boolean unsigned, int stride, int startBin) {
    double[] bins = hist.clone();
    bins[0] = bins[1];
    double total = 0;
    for (double b : bins) {
      total += b;
    }
    long nbins = 1L << (numBits - 1 + (unsigned ? 1 : 0));
    int best = -1;
    double bestKl = Double.NaN;
    for (int i = startBin; i <= bins.length; i += stride) {
      double kl = total == 0 ? Double.NaN : EntropyAmax.exactDivergence(bins, total, i, nbins);
      boolean better = best < 0 || Double.isNaN(kl) || (!Double.isNaN(bestKl) && kl <= bestKl);
      if (better) {
        best = i;
        bestKl = kl;
      }
    }
    return best;
  }

  @Test
  void fastScreeningPicksTheSameBinAsScoringEveryCandidateExactly() {
    Random r = new Random(3);
    for (int trial = 0; trial < 60; trial++) {
      int n = 20 + r.nextInt(300);
      double[] hist = new double[n];
      boolean sparse = trial % 3 == 0;
      for (int j = 0; j < n; j++) {
        double g = Math.exp(-0.5 * Math.pow(3.0 * j / n, 2)) * 1000;
        hist[j] = sparse ? (r.nextInt(4) == 0 ? r.nextInt(3) : 0) : Math.floor(g * (0.5 + r.nextDouble()));
      }
      hist[1] = Math.max(hist[1], 1);
      int bits = 2 + r.nextInt(7);
      boolean unsigned = r.nextBoolean();
      int stride = 1 + r.nextInt(3);
      int start = 1 + r.nextInt(n / 2);
      assertEquals(bruteForce(hist, bits, unsigned, stride, start),
          EntropyAmax.chooseBin(hist, bits, unsigned, stride, start),
          "trial " + trial + " n=" + n + " bits=" + bits + " unsigned=" + unsigned);
    }
  }

  @Test
  void torchSumOrderMatchesAPlainCascadeReimplementation() {
    Random r = new Random(5);
    float[] scratch = new float[128];
    for (int n : new int[] {1, 7, 8, 33, 127, 128, 129, 511, 512, 2047, 2048, 5103}) {
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        a[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(6)));
      }
      assertEquals(Float.floatToIntBits(cascade(a)), Float.floatToIntBits(TorchFloatSum.sum(a, n, scratch)),
          "n=" + n);
    }
  }

  /** torch 1.13 cascade_sum, written out with 8-lane vectors as arrays (levels of 16 rows). */
  private static float cascade(float[] a) {
    int n = a.length;
    int vecs = n / 8;
    int rows = vecs / 4;
    float[][][] acc = new float[4][4][8];
    int i = 0;
    for (; i + 16 <= rows; ) {
      for (int j = 0; j < 16; j++, i++) {
        for (int k = 0; k < 4; k++) {
          for (int l = 0; l < 8; l++) {
            acc[0][k][l] += a[(i * 4 + k) * 8 + l];
          }
        }
      }
      for (int lv = 1; lv < 4; lv++) {
        for (int k = 0; k < 4; k++) {
          for (int l = 0; l < 8; l++) {
            acc[lv][k][l] += acc[lv - 1][k][l];
            acc[lv - 1][k][l] = 0;
          }
        }
        if ((i & (15 << (4 * lv))) != 0) {
          break;
        }
      }
    }
    for (; i < rows; i++) {
      for (int k = 0; k < 4; k++) {
        for (int l = 0; l < 8; l++) {
          acc[0][k][l] += a[(i * 4 + k) * 8 + l];
        }
      }
    }
    for (int lv = 1; lv < 4; lv++) {
      for (int k = 0; k < 4; k++) {
        for (int l = 0; l < 8; l++) {
          acc[0][k][l] += acc[lv][k][l];
        }
      }
    }
    for (int v = rows * 4; v < vecs; v++) {
      for (int l = 0; l < 8; l++) {
        acc[0][0][l] += a[v * 8 + l];
      }
    }
    for (int k = 1; k < 4; k++) {
      for (int l = 0; l < 8; l++) {
        acc[0][0][l] += acc[0][k][l];
      }
    }
    float total = 0;
    for (int t = vecs * 8; t < n; t++) {
      total += a[t];
    }
    for (int l = 0; l < 8; l++) {
      total += acc[0][0][l];
    }
    return total;
  }
}
