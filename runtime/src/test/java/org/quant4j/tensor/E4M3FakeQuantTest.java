package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Scaled E4M3 fake quantization: the Vector API kernel and the scalar path against the scalar truth. */
class E4M3FakeQuantTest {

  /** Random float32 values over many binades, plus the special values and E4M3 edge points. */
  private static float[] mixedValues(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 448f, 464f,
        -464f, 0x1p-9f, 0x1p-10f, 0x1.8p-9f, 0x1p-6f, 0x1p-24f, -0x1p-25f, Float.MIN_VALUE, Float.MAX_VALUE,
        Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xffc00001)};
    for (int i = 0; i < n; i++) {
      if (i < specials.length) {
        v[i] = specials[i];
      } else if (r.nextInt(4) == 0) {
        v[i] = Float.intBitsToFloat(r.nextInt());
      } else {
        v[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-30, 12)));
      }
    }
    return v;
  }

  private static void assertSameBits(float[] want, INDArray got, String what) {
    float[] g = got.dup('c').data().asFloat();
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(g[i]),
          what + " [" + i + "] " + want[i] + " vs " + g[i]);
    }
  }

  private static float[] scalar(float[] x, float amax) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = E4M3FakeQuant.fakeQuantize(x[i], amax);
    }
    return y;
  }

  @Test
  void vectorKernelIsBitIdenticalToTheScalarTruthOnRandomData() {
    for (float amax : new float[] {1f, 3.7f, 448f, 1e-3f, 2e5f, 0x1p-20f}) {
      float[] v = mixedValues(4099, Float.floatToIntBits(amax));
      INDArray x = Nd4j.create(v, new long[] {v.length}, 'c');
      INDArray y = TensorQuant.fakeTensorQuantE4M3(x, Nd4j.scalar(amax));
      assertSameBits(scalar(v, amax), y, "amax " + amax);
    }
  }

  @Test
  void scalarPathGivesTheKernelsBits() {
    float[] v = mixedValues(1000, 7);
    INDArray x = Nd4j.create(v, new long[] {10, 100}, 'c');
    INDArray amax = Nd4j.scalar(5.5f);
    INDArray vector = TensorQuant.fakeTensorQuantE4M3(x, amax);
    KernelPath previous = KernelPath.select(KernelPath.ND4J_OPS);
    try {
      assertSameBits(vector.data().asFloat(), TensorQuant.fakeTensorQuantE4M3(x, amax), "scalar path");
    } finally {
      KernelPath.select(previous);
    }
  }

  @Test
  void largeTensorSplitAcrossThreadsMatchesTheScalarTruth() {
    float[] v = mixedValues((1 << 21) + 13, 11);
    INDArray x = Nd4j.create(v, new long[] {v.length}, 'c');
    assertSameBits(scalar(v, 2.5f), TensorQuant.fakeTensorQuantE4M3(x, Nd4j.scalar(2.5f)), "large");
  }

  @Test
  void amaxMapsTo448AndGridPointsAreFixed() {
    float amax = 448f;
    for (int b = 0; b < 0x7f; b++) {
      float g = E4M3.decode(b);
      assertEquals(g, E4M3FakeQuant.fakeQuantize(g, amax), "grid point " + g);
    }
    INDArray y = TensorQuant.fakeTensorQuantE4M3(Nd4j.create(new float[] {2f, -2f, 3f, 1000f}), Nd4j.scalar(2f));
    assertSameBits(new float[] {2f, -2f, 2f, 2f}, y, "saturates at amax");
  }

  @Test
  void nanStaysNanAndTinyInputsBecomeZero() {
    INDArray y = TensorQuant.fakeTensorQuantE4M3(
        Nd4j.create(new float[] {Float.NaN, -1e-9f, 0x1p-25f, 1f}), Nd4j.scalar(1e-5f));
    float[] v = y.data().asFloat();
    assertTrue(Float.isNaN(v[0]));
    assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(v[1]), "|x| < 2^-24 gives +0");
    assertEquals(0f, v[2]);
    assertEquals(1e-5f, v[3], 1e-7f);
  }

  @Test
  void amaxAtOrBelowTwoToMinus24GivesZeros() {
    INDArray y = TensorQuant.fakeTensorQuantE4M3(Nd4j.create(new float[] {1f, -3f, Float.NaN}), Nd4j.scalar(0x1p-24f));
    float[] v = y.data().asFloat();
    assertEquals(0f, v[0]);
    assertEquals(0f, Math.abs(v[1]));
    assertTrue(Float.isNaN(v[2]));
  }

  @Test
  void intoWritesInPlaceAndLeavesOtherInputsUnchanged() {
    float[] v = mixedValues(300, 3);
    INDArray x = Nd4j.create(v, new long[] {3, 100}, 'c');
    INDArray copy = x.dup();
    INDArray fresh = TensorQuant.fakeTensorQuantE4M3(x, Nd4j.scalar(4f));
    assertSameBits(copy.data().asFloat(), x, "input unchanged");
    assertSame(x, TensorQuant.fakeTensorQuantE4M3Into(x, Nd4j.scalar(4f), x));
    assertSameBits(fresh.data().asFloat(), x, "in place");
  }

  @Test
  void halfInputsAreComputedInFloat32AndRoundedBack() {
    INDArray x = Nd4j.create(new float[] {0.1f, -0.7f, 1.3f}).castTo(DataType.HALF);
    INDArray y = TensorQuant.fakeTensorQuantE4M3(x, Nd4j.scalar(1.5f));
    assertEquals(DataType.HALF, y.dataType());
    float[] xs = x.castTo(DataType.FLOAT).data().asFloat();
    INDArray want = Nd4j.create(scalar(xs, 1.5f)).castTo(DataType.HALF);
    assertTrue(sameBits(want, y), () -> "expected " + want + " but was " + y);
  }

  @Test
  void perChannelOrNegativeAmaxIsRejectedNamingIt() {
    Nd4j.getRandom().setSeed(33);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuantE4M3(x, Nd4j.create(new float[] {1f, 2f}, new long[] {2, 1})));
    assertTrue(e.getMessage().contains("per-tensor"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TensorQuant.fakeTensorQuantE4M3(x, Nd4j.scalar(-1f)));
    assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
  }

  @Test
  void backwardIsTheStraightThroughMaskWithAmax() {
    INDArray x = Nd4j.create(new float[] {-3f, -2f, 0.5f, 2f, 2.5f, Float.NaN});
    INDArray g = TensorQuant.fakeTensorQuantBackward(Nd4j.onesLike(x), x, Nd4j.scalar(2f));
    assertSameBits(new float[] {0f, 1f, 1f, 1f, 0f, 0f}, g, "mask");
  }

  /**
   * Whether two arrays are the same exactly: shape, data type and every value's bits (any NaN equals any
   * NaN). {@code INDArray.equals} would let values differ by 1e-5.
   */
  private static boolean sameBits(INDArray a, INDArray b) {
    return a.dataType() == b.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
        && java.util.Arrays.equals(a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
            b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }
}
