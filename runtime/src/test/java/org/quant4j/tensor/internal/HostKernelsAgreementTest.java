package org.quant4j.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scalar kernels give the vector kernels' bits, element for element, on inputs chosen to hit every
 * edge: NaN, ±infinity, ±0, exact rounding ties, values beyond the clamp bounds, E4M3 subnormals and
 * saturation, and lengths that leave vector tails. Both implementations run in this JVM (the test JVM
 * has the Vector API module); the golden replays then check each against the reference separately.
 */
class HostKernelsAgreementTest {

  private static final int N = 4099;
  private final HostKernels scalar = new ScalarKernels();
  private HostKernels vector;

  /** The Vector API kernels exist only where the module is; the build's run without it skips this class. */
  @BeforeEach
  void vectorKernels() {
    assumeTrue(HostKernels.vectorModulePresent(), "needs --add-modules=jdk.incubator.vector");
    vector = new VectorKernels();
  }

  /** Seeded values with the edge cases mixed in. */
  private static float[] values(long seed, float spread) {
    Random random = new Random(seed);
    float[] edges = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 0.5f, -0.5f, 1.5f,
        -2.5f, 127.5f, -128.5f, 1e-30f, -1e-30f, Float.MIN_VALUE, 1e30f, -1e30f, 0x1p-24f, 0x1p-25f, 448f, 464f};
    float[] v = new float[N];
    for (int i = 0; i < N; i++) {
      v[i] = random.nextInt(8) == 0 ? edges[random.nextInt(edges.length)] : (float) random.nextGaussian() * spread;
    }
    return v;
  }

  private static ByteBuffer buffer(float[] v) {
    ByteBuffer b = ByteBuffer.allocateDirect(v.length * Float.BYTES).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(v);
    return b;
  }

  private static int[] bits(ByteBuffer b) {
    int[] out = new int[b.capacity() / Float.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.floatToRawIntBits(b.getFloat(i * Float.BYTES));
    }
    return out;
  }

  private interface Unary {
    void run(HostKernels k, FloatLanes in, FloatLanes out, int from, int to);
  }

  /** Runs a unary kernel with both implementations over [3, N - 5) and compares every output bit. */
  private void assertSameBits(float[] input, Unary body) {
    int[][] results = new int[2][];
    HostKernels[] both = {scalar, vector};
    for (int k = 0; k < 2; k++) {
      HostKernels kernels = both[k];
      ByteBuffer out = buffer(new float[N]);
      FloatLanes.map(buffer(input), out, 3, N - 5, (i, o, a, b) -> body.run(kernels, i, o, a, b));
      results[k] = bits(out);
    }
    assertArrayEquals(results[0], results[1]);
  }

  @Test
  void integerFakeQuantizationPerTensorGivesTheSameBits() {
    float[][] bounds = {{-127, 127}, {-128, 127}, {0, 255}, {0, 1}, {-7, 7}, {-32768, 32767}};
    for (float[] b : bounds) {
      for (boolean fake : new boolean[] {true, false}) {
        for (float spread : new float[] {1f, 100f}) {
          float m = 127f / 3.7f;
          float d = m * 1.0000001f;
          assertSameBits(values(7 + (long) b[1], spread),
              (k, i, o, from, to) -> k.quantizeBlock(i, o, from, to - from, m, d, b[0], b[1], fake));
        }
      }
    }
  }

  @Test
  void integerFakeQuantizationAlongRowsGivesTheSameBits() {
    int channels = 37;
    float[] mul = new float[N];
    float[] div = new float[N];
    Random random = new Random(11);
    for (int c = 0; c < N; c++) {
      mul[c] = 127f / (0.01f + random.nextFloat() * 5f);
      div[c] = mul[c];
    }
    for (boolean fake : new boolean[] {true, false}) {
      assertSameBits(values(13, 3f), (k, i, o, from, to) -> {
        for (int s = from; s < to; s += channels) {
          k.quantizeRow(i, o, s, Math.min(channels, to - s), mul, div, (s - from) % 5, -128f, 127f, fake);
        }
      });
    }
  }

  @Test
  void integerFakeQuantizationOfWholeRowsGivesTheSameBits() {
    float[] mul = new float[N];
    float[] div = new float[N];
    Random random = new Random(29);
    for (int c = 0; c < N; c++) {
      mul[c] = 127f / (0.01f + random.nextFloat() * 5f);
      div[c] = mul[c] * 1.0000001f;
    }
    // short rows, rows of whole vectors, and a row wider than one column tile
    for (int len : new int[] {37, 64, 2053}) {
      for (boolean fake : new boolean[] {true, false}) {
        assertSameBits(values(31 + len, 3f), (k, i, o, from, to) -> {
          int rows = (to - from) / len;
          k.quantizeRows(i, o, from, rows, len, mul, div, -128f, 127f, fake);
          int rest = from + rows * len;
          k.quantizeRow(i, o, rest, to - rest, mul, div, 0, -128f, 127f, fake);
        });
      }
    }
  }

  @Test
  void e4m3GivesTheSameBits() {
    for (float spread : new float[] {0.01f, 1f, 1000f}) {
      assertSameBits(values(17, spread), (k, i, o, from, to) -> k.e4m3(i, o, from, to, 448f / 3.1f, 448f / 3.1f));
    }
  }

  @Test
  void straightThroughGivesTheSameBits() {
    float[] grad = values(19, 1f);
    float[] amax = new float[N + 3];
    for (int c = 0; c < amax.length; c++) {
      amax[c] = 0.25f * (1 + c % 9);
    }
    HostKernels[] both = {scalar, vector};
    int[][] block = new int[2][];
    int[][] rows = new int[2][];
    for (int k = 0; k < 2; k++) {
      HostKernels kernels = both[k];
      ByteBuffer out = buffer(new float[N]);
      FloatLanes.map(buffer(grad), buffer(values(23, 2f)), out, 0, N,
          (g, x, o, a, b) -> kernels.straightThroughBlock(g, x, o, a, b - a, 1.5f));
      block[k] = bits(out);
      ByteBuffer outRows = buffer(new float[N]);
      FloatLanes.map(buffer(grad), buffer(values(23, 2f)), outRows, 0, N,
          (g, x, o, a, b) -> kernels.straightThroughRow(g, x, o, a, b - a, amax, 3));
      rows[k] = bits(outRows);
    }
    assertArrayEquals(block[0], block[1]);
    assertArrayEquals(rows[0], rows[1]);
  }

  @Test
  void reductionsAndFlagsAgree() {
    for (long seed = 0; seed < 6; seed++) {
      float[] v = values(seed, 4f);
      if (seed % 2 == 0) {
        for (int i = 0; i < N; i++) {
          v[i] = Float.isNaN(v[i]) || Float.isInfinite(v[i]) ? 1f : v[i];
        }
      }
      ByteBuffer b = buffer(v);
      for (int[] range : new int[][] {{0, N}, {5, 12}, {1, N - 3}}) {
        int from = range[0];
        int to = range[1];
        double[] absMax = new double[2];
        int[] flags = new int[2];
        float[][] minMax = new float[2][2];
        long[] kept = new long[2];
        HostKernels[] both = {scalar, vector};
        boolean skipZeros = seed % 3 == 0;
        for (int k = 0; k < 2; k++) {
          HostKernels kernels = both[k];
          int slot = k;
          FloatLanes.scan(b, from, to, 0, (lanes, a, c, acc) -> {
            absMax[slot] = kernels.absMax(lanes, a, c);
            flags[slot] = kernels.negativeAndNaNFlags(lanes, a, c);
            kept[slot] = kernels.absRange(lanes, a, c, skipZeros, minMax[slot]);
            return acc;
          });
        }
        assertEquals(Double.doubleToRawLongBits(absMax[0]), Double.doubleToRawLongBits(absMax[1]));
        assertEquals(flags[0], flags[1]);
        assertEquals(kept[0], kept[1]);
        assertEquals(Float.floatToRawIntBits(minMax[0][0]), Float.floatToRawIntBits(minMax[1][0]));
        assertEquals(Float.floatToRawIntBits(minMax[0][1]), Float.floatToRawIntBits(minMax[1][1]));
      }
    }
  }

  @Test
  void histogramCountsAgreeIncludingInfinityAndNaN() {
    int nbins = 2048;
    int ways = 4;
    for (boolean skipZeros : new boolean[] {false, true}) {
      ByteBuffer b = buffer(values(29, 2f));
      int[][] totals = new int[2][nbins];
      HostKernels[] both = {scalar, vector};
      for (int k = 0; k < 2; k++) {
        HostKernels kernels = both[k];
        int[] counts = FloatLanes.scan(b, 0, N, new int[(nbins + 1) * ways], (lanes, a, c, acc) -> {
          kernels.histc(lanes, a, c, 0f, 6f, nbins, skipZeros, false, acc, ways);
          return acc;
        });
        for (int bin = 0; bin < nbins; bin++) {
          for (int w = 0; w < ways; w++) {
            totals[k][bin] += counts[bin * ways + w];
          }
        }
      }
      assertArrayEquals(totals[0], totals[1]);
    }
  }

  @Test
  void everyCounterAgreesOnTorchsGridThatHoldsEveryValue() {
    // the first batch's grid, [0, max |x|], with every value in range: the vector kernel's short path
    float[] v = values(37, 3f);
    float hi = 0f;
    for (int i = 0; i < N; i++) {
      if (!Float.isFinite(v[i]) || Math.abs(v[i]) > 500f) {
        v[i] = i % 3 == 0 ? 0f : 0.75f;
      }
      hi = Math.max(hi, Math.abs(v[i]));
    }
    float max = hi;
    for (int nbins : new int[] {2048, 7}) {
      for (int ways : new int[] {1, 8, 32}) {
        ByteBuffer b = buffer(v);
        int[][] counts = new int[2][];
        HostKernels[] both = {scalar, vector};
        for (int k = 0; k < 2; k++) {
          HostKernels kernels = both[k];
          counts[k] = FloatLanes.scan(b, 0, N, new int[(nbins + 1) * ways], (lanes, a, c, acc) -> {
            kernels.histc(lanes, a, c, 0f, max, nbins, false, true, acc, ways);
            return acc;
          });
        }
        assertArrayEquals(counts[0], counts[1], nbins + " bins, " + ways + " ways");
      }
    }
  }

  @Test
  void theBranchFreeSignedLoopGivesTheElementFormsBits() {
    float[] in = values(31, 2f);
    float[][] bounds = {{-127, 127}, {-128, 127}, {-7, 7}, {-1, 1}, {-32768, 32767}};
    for (float[] b : bounds) {
      for (boolean fake : new boolean[] {true, false}) {
        float m = b[1] / 1.7f;
        float d = m * 1.0000001f;
        float[] out = new float[N];
        ScalarKernels.quantizeBlockSigned(in, out, 0, N, m, d, b[0], b[1], fake);
        for (int i = 0; i < N; i++) {
          float q = ScalarKernels.quantize(in[i] * m, b[0], b[1]);
          float expected = fake ? q / d : q;
          boolean bothNaN = Float.isNaN(expected) && Float.isNaN(out[i]);
          assertTrue(bothNaN || Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(out[i]),
              "element " + i + " (" + in[i] + ") on [" + b[0] + ", " + b[1] + "]: " + expected + " vs " + out[i]);
        }
      }
    }
  }
}
