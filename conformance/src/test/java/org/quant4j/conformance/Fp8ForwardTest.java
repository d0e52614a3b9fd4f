package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * The FP8 forward case of {@code tensor_quantizer} has no reference value (the reference needed CUDA),
 * so the conformance run counts it as "no reference". Here the quantizer it describes
 * ({@code num_bits=(4, 3)}) is checked against an E4M3 grid built independently from the format's
 * definition: sign, 4 exponent bits with bias 7, 3 mantissa bits, subnormals below 2^-6, largest
 * finite 448, no infinities. With amax 448 the scale is 1, so the output is the input rounded onto
 * that grid, ties to the even mantissa, saturating at ±448.
 */
class Fp8ForwardTest {

  private static final float MAX = 448f;

  /** Every non-negative finite E4M3 value, ascending, decoded from the bit pattern by its definition. */
  private static List<Float> grid() {
    List<Float> out = new ArrayList<>();
    for (int exponent = 0; exponent < 16; exponent++) {
      for (int mantissa = 0; mantissa < 8; mantissa++) {
        if (exponent == 15 && mantissa == 7) {
          continue; // S.1111.111 is NaN
        }
        double v = exponent == 0 ? mantissa / 8.0 * Math.pow(2, -6)
            : (1 + mantissa / 8.0) * Math.pow(2, exponent - 7);
        out.add((float) v);
      }
    }
    return out;
  }

  private static TensorQuantizer quantizerAt448() {
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.fromMap(Map.of("num_bits", List.of(4, 3))));
    q.setAmax(MAX);
    return q;
  }

  private static float[] apply(TensorQuantizer q, float[] x) {
    INDArray y = q.apply(Nd4j.createFromArray(x));
    return y.dup('c').data().asFloat();
  }

  private static void assertBits(float[] want, float[] got, float[] x) {
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
          "input " + x[i] + ": expected " + want[i] + " got " + got[i]);
    }
  }

  @Test
  void everyE4M3ValueOfEitherSignIsAFixedPoint() {
    List<Float> g = grid();
    assertEquals(127, g.size());
    assertEquals(MAX, g.get(g.size() - 1));
    assertEquals((float) Math.pow(2, -9), g.get(1), "smallest subnormal");
    float[] x = new float[2 * (g.size() - 1)];
    int k = 0;
    for (float v : g.subList(1, g.size())) {
      x[k++] = v;
      x[k++] = -v;
    }
    assertBits(x, apply(quantizerAt448(), x), x);
  }

  @Test
  void everyExactMidpointRoundsToTheEvenMantissa() {
    List<Float> g = grid();
    int n = g.size() - 1;
    float[] x = new float[2 * n];
    float[] want = new float[2 * n];
    for (int i = 0; i < n; i++) {
      float mid = (float) ((g.get(i) + (double) g.get(i + 1)) / 2);
      assertEquals((g.get(i) + (double) g.get(i + 1)) / 2, mid, 0.0, "midpoints are exact in float32");
      // Grid index i has mantissa i mod 8: the even one of the pair wins the tie.
      float even = i % 2 == 0 ? g.get(i) : g.get(i + 1);
      x[2 * i] = mid;
      want[2 * i] = even;
      x[2 * i + 1] = -mid;
      want[2 * i + 1] = -even;
    }
    // 0 and the smallest subnormal tie at 2^-10; that input is far above the 2^-24 zeroing threshold.
    assertBits(want, apply(quantizerAt448(), x), x);
  }

  @Test
  void valuesJustOffAMidpointRoundToTheNearer() {
    List<Float> g = grid();
    float[] x = new float[2 * (g.size() - 2)];
    float[] want = new float[x.length];
    for (int i = 1; i < g.size() - 1; i++) {
      float mid = (float) ((g.get(i) + (double) g.get(i + 1)) / 2);
      x[2 * (i - 1)] = Math.nextDown(mid);
      want[2 * (i - 1)] = g.get(i);
      x[2 * (i - 1) + 1] = Math.nextUp(mid);
      want[2 * (i - 1) + 1] = g.get(i + 1);
    }
    assertBits(want, apply(quantizerAt448(), x), x);
  }

  @Test
  void magnitudesAbove448SaturateAndNaNStaysNaN() {
    float[] x = {Math.nextUp(MAX), 464f, 480f, 1e6f, Float.POSITIVE_INFINITY, -500f, Float.NEGATIVE_INFINITY,
        Float.NaN};
    float[] got = apply(quantizerAt448(), x);
    float[] want = {MAX, MAX, MAX, MAX, MAX, -MAX, -MAX, Float.NaN};
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.isNaN(want[i]) ? "NaN" : Float.toString(want[i]),
          Float.isNaN(got[i]) ? "NaN" : Float.toString(got[i]), "input " + x[i]);
    }
  }

  @Test
  void inputsBelowTwoToMinus24BecomeZeroAndSubnormalsRoundOnTheirGrid() {
    float tiny = (float) Math.pow(2, -25);
    float sub = (float) (3 * Math.pow(2, -9));
    float[] x = {tiny, -tiny, sub, (float) (3.4 * Math.pow(2, -9)), (float) (0.4 * Math.pow(2, -9))};
    float[] want = {0f, 0f, sub, sub, 0f};
    float[] got = apply(quantizerAt448(), x);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Math.abs(want[i]), Math.abs(got[i]), 0f, "input " + x[i]);
    }
  }

  @Test
  void theGoldenFp8CaseScalesByItsDynamicAmax() {
    // The case's own input with its dynamic per-tensor amax: y = round(x * 448/amax) / (448/amax),
    // with the rounding done on the independent grid above.
    float[] x = {-2.1770482f, 0.5793177f, 3.9304907f, -3.0834458f, 1.5460221f};
    float amax = 3.9304907f;
    float s = MAX / amax;
    List<Float> g = grid();
    float[] want = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      want[i] = Math.copySign(nearest(g, Math.abs(x[i] * s)), x[i]) / s;
    }
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.fromMap(Map.of("num_bits", List.of(4, 3))));
    assertBits(want, apply(q, x), x);
  }

  /** The nearest grid value, ties to the even mantissa (even index), saturating at 448. */
  private static float nearest(List<Float> g, float a) {
    if (a >= MAX) {
      return MAX;
    }
    int best = 0;
    for (int i = 1; i < g.size(); i++) {
      double d = Math.abs(g.get(i) - (double) a);
      double bestD = Math.abs(g.get(best) - (double) a);
      if (d < bestD || (d == bestD && i % 2 == 0)) {
        best = i;
      }
    }
    return g.get(best);
  }
}
