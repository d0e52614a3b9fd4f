package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Behaviour of {@link TensorQuant}: numerics against {@link QuantGrid}, kernel paths, views, errors. */
class TensorQuantTest {

  private static final KernelPath INITIAL = KernelPath.selected();

  @AfterEach
  void restoreKernelPath() {
    KernelPath.select(INITIAL);
  }

  private static INDArray floats(long[] shape, float... values) {
    return Nd4j.createFromArray(values).reshape('c', shape);
  }

  private static INDArray scalar(float v) {
    return Nd4j.scalar(v);
  }

  /** The float32 bit patterns of an array in C order, for bit-exact comparisons. */
  static int[] bits(INDArray a) {
    float[] f = a.dup('c').data().asFloat();
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToIntBits(f[i]);
    }
    return b;
  }

  /** Random values with the awkward ones mixed in: NaN, infinities, signed zeros, ties, huge values. */
  private static float[] awkwardValues(int n, long seed, boolean nonNegative) {
    Random r = new Random(seed);
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 0.5f, -0.5f,
        1.5f, -2.5f, 1e30f, -1e30f, 1e-30f, 0.25f, -0.25f};
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : (float) (r.nextGaussian() * 2);
      if (nonNegative && v[i] < 0) {
        v[i] = r.nextBoolean() ? -v[i] : -0.3f;
      }
    }
    if (nonNegative) {
      v[0] = Float.NaN; // lets the negative values pass the reference's unsigned check
    }
    return v;
  }

  /** The scalar truth: QuantGrid's fake quantization of each element with its channel's amax. */
  private static int[] expectedBits(float[] x, float[] amax, int[] channelOf, QuantGrid grid) {
    int[] out = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Float.floatToIntBits(grid.fakeQuantizeWithAmax(x[i], amax[channelOf[i]]));
    }
    return out;
  }

  @Test
  void fakeQuantRoundsHalfToEven() {
    INDArray x = floats(new long[] {8}, 0.5f, 1.5f, 2.5f, 3.5f, -0.5f, -1.5f, -2.5f, -0.25f);
    INDArray out = TensorQuant.fakeTensorQuant(x, scalar(127f));
    assertArrayEquals(new float[] {0f, 2f, 2f, 4f, -0f, -2f, -2f, -0f}, out.data().asFloat());
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(out.getFloat(4)));
  }

  @Test
  void seedExampleQuantizesToTheReadmeIntegers() {
    int[] seedBits = {0x3f7b51e2, 0x3f612de5, 0x3f7dfd1d, 0x3eec1102, 0x3daa6d20, 0x3e36b6a4, 0x3ebc1ffc,
        0x3f11517e, 0x3eacdaca, 0x3e590888};
    float[] v = new float[seedBits.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.intBitsToFloat(seedBits[i]);
    }
    INDArray x = Nd4j.createFromArray(v);
    INDArray amax = TensorQuant.reduceAmax(x, null, true);
    assertEquals(0.99214345f, amax.getFloat(0));
    QuantizedTensor q = TensorQuant.tensorQuant(x, amax);
    assertArrayEquals(new float[] {126, 113, 127, 59, 11, 23, 47, 73, 43, 27}, q.values().data().asFloat());
    assertEquals(0x43000174, Float.floatToIntBits(q.scale().getFloat(0)));
    assertEquals("128.0057", String.format("%.4f", q.scale().getFloat(0)));
    assertEquals(0, q.scale().rank());
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void perChannelAxisZeroMatchesTheScalarGrid(KernelPath path) {
    KernelPath.select(path);
    float[] v = awkwardValues(5 * 37, 1, false);
    float[] amax = {0.5f, 2f, 0f, 3.25f, Float.POSITIVE_INFINITY};
    int[] channelOf = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      channelOf[i] = i / 37;
    }
    QuantGrid grid = new QuantGrid(8, false, false);
    INDArray out = TensorQuant.fakeTensorQuant(floats(new long[] {5, 37}, v), floats(new long[] {5, 1}, amax),
        8, false, false);
    assertArrayEquals(expectedBits(v, amax, channelOf, grid), bits(out));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void perChannelLastAxisMatchesTheScalarGrid(KernelPath path) {
    KernelPath.select(path);
    float[] v = awkwardValues(3 * 4 * 21, 2, false);
    float[] amax = awkwardValues(21, 3, true);
    for (int c = 0; c < amax.length; c++) {
      amax[c] = Float.isNaN(amax[c]) ? 1f : Math.abs(amax[c]);
    }
    int[] channelOf = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      channelOf[i] = i % 21;
    }
    QuantGrid grid = new QuantGrid(5, false, true);
    INDArray out = TensorQuant.fakeTensorQuant(floats(new long[] {3, 4, 21}, v), Nd4j.createFromArray(amax),
        5, false, true);
    assertArrayEquals(expectedBits(v, amax, channelOf, grid), bits(out));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void amaxChangedInPlaceBetweenCallsQuantizesWithItsNewValues(KernelPath path) {
    KernelPath.select(path);
    int channels = 256;
    float[] v = awkwardValues(4 * channels, 4, false);
    INDArray x = floats(new long[] {4, channels}, v);
    float[] a = new float[channels];
    for (int c = 0; c < channels; c++) {
      a[c] = 0.25f + c / 64f;
    }
    INDArray amax = Nd4j.createFromArray(a);
    int[] channelOf = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      channelOf[i] = i % channels;
    }
    QuantGrid grid = new QuantGrid(8, false, true);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {4, channels}, 'c');
    for (int call = 0; call < 2; call++) {
      TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
      assertArrayEquals(expectedBits(v, amax.toFloatVector(), channelOf, grid), bits(out));
    }
    // every channel moves, as a learned amax does in a training step
    amax.muli(1.5f);
    TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
    assertArrayEquals(expectedBits(v, amax.toFloatVector(), channelOf, grid), bits(out));
    // only the last channel moves, to below 2^-24 (zeros)
    amax.putScalar(channels - 1, 0f);
    TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
    assertArrayEquals(expectedBits(v, amax.toFloatVector(), channelOf, grid), bits(out));
    // the same amax on another grid
    TensorQuant.fakeTensorQuantInto(x, amax, 4, false, false, out);
    assertArrayEquals(expectedBits(v, amax.toFloatVector(), channelOf, new QuantGrid(4, false, false)), bits(out));
    // a value made negative in place is checked again
    amax.putScalar(7, -1f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out));
    assertTrue(e.getMessage().contains("amax must be non-negative"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void perChannelOverAxesZeroAndTwoMatchesTheScalarGrid(KernelPath path) {
    KernelPath.select(path);
    float[] v = awkwardValues(4 * 3 * 19, 4, true);
    float[] amax = new float[4 * 19];
    for (int c = 0; c < amax.length; c++) {
      amax[c] = 0.1f + c * 0.05f;
    }
    int[] channelOf = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      channelOf[i] = (i / (3 * 19)) * 19 + i % 19;
    }
    QuantGrid grid = new QuantGrid(4, true, false);
    INDArray out = TensorQuant.fakeTensorQuant(floats(new long[] {4, 3, 19}, v),
        floats(new long[] {4, 1, 19}, amax), 4, true, false);
    assertArrayEquals(expectedBits(v, amax, channelOf, grid), bits(out));
  }

  @Test
  void vectorKernelAndComposedOpsGiveIdenticalBits() {
    Nd4j.getRandom().setSeed(34);
    long[][] shapes = {{1}, {33}, {3, 65}, {2, 3, 17}};
    for (long[] shape : shapes) {
      int n = 1;
      for (long d : shape) {
        n *= (int) d;
      }
      for (int numBits : new int[] {1, 2, 7, 16}) {
        for (boolean unsigned : new boolean[] {false, true}) {
          INDArray x = floats(shape, awkwardValues(n, n * 31L + numBits, unsigned));
          long[] perRow = shape.clone();
          java.util.Arrays.fill(perRow, 1, perRow.length, 1);
          for (INDArray amax : new INDArray[] {scalar(1.75f), scalar(0f), scalar(Float.NaN),
              Nd4j.rand(DataType.FLOAT, perRow).addi(0.1),
              Nd4j.rand(DataType.FLOAT, shape[shape.length - 1]).addi(0.1)}) {
            KernelPath.select(KernelPath.VECTOR);
            INDArray vector = TensorQuant.fakeTensorQuant(x, amax, numBits, unsigned, false);
            INDArray vectorReal = TensorQuant.tensorQuant(x, amax, numBits, unsigned).values();
            KernelPath.select(KernelPath.ND4J_OPS);
            INDArray ops = TensorQuant.fakeTensorQuant(x, amax, numBits, unsigned, false);
            INDArray opsReal = TensorQuant.tensorQuant(x, amax, numBits, unsigned).values();
            assertArrayEquals(bits(ops), bits(vector), () -> "fake, " + numBits + " bits " + x + " " + amax);
            assertArrayEquals(bits(opsReal), bits(vectorReal), () -> "real, " + numBits + " bits " + x + " " + amax);
          }
        }
      }
    }
  }

  @Test
  void largeTensorsSplitAcrossThreadsMatchTheScalarGrid() {
    int cols = 1021;
    int rows = (int) (ParallelRanges.PARALLEL_THRESHOLD * 2 / cols) + 3;
    float[] v = awkwardValues(rows * cols, 5, false);
    float[] amax = new float[cols];
    int[] channelOf = new int[v.length];
    for (int c = 0; c < cols; c++) {
      amax[c] = 0.5f + (c % 13) * 0.25f;
    }
    for (int i = 0; i < v.length; i++) {
      channelOf[i] = i % cols;
    }
    QuantGrid grid = new QuantGrid(8, false, true);
    INDArray out = TensorQuant.fakeTensorQuant(floats(new long[] {rows, cols}, v), Nd4j.createFromArray(amax));
    assertArrayEquals(expectedBits(v, amax, channelOf, grid), bits(out));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void inputIsNeverModified(KernelPath path) {
    KernelPath.select(path);
    INDArray x = floats(new long[] {2, 9}, awkwardValues(18, 6, false));
    INDArray amax = floats(new long[] {2, 1}, 1f, 0.5f);
    int[] before = bits(x);
    int[] amaxBefore = bits(amax);
    TensorQuant.fakeTensorQuant(x, amax);
    TensorQuant.tensorQuant(x, amax);
    TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, Nd4j.createUninitialized(DataType.FLOAT, 2, 9));
    TensorQuant.fakeTensorQuantBackward(Nd4j.ones(DataType.FLOAT, 2, 9), x, amax);
    assertArrayEquals(before, bits(x));
    assertArrayEquals(amaxBefore, bits(amax));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void fakeTensorQuantIntoWritesIntoOutAndReturnsIt(KernelPath path) {
    KernelPath.select(path);
    INDArray x = floats(new long[] {3, 11}, awkwardValues(33, 7, false));
    INDArray amax = scalar(2f);
    INDArray expected = TensorQuant.fakeTensorQuant(x, amax);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, 3, 11);
    long address = out.data().address();
    assertSame(out, TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out));
    assertEquals(address, out.data().address());
    assertArrayEquals(bits(expected), bits(out));
    INDArray inPlace = x.dup();
    assertSame(inPlace, TensorQuant.fakeTensorQuantInto(inPlace, amax, 8, false, true, inPlace));
    assertArrayEquals(bits(expected), bits(inPlace));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void viewsAndFortranOrderGiveTheSameBitsAsContiguousArrays(KernelPath path) {
    KernelPath.select(path);
    INDArray base = floats(new long[] {6, 10}, awkwardValues(60, 8, false));
    INDArray amax = floats(new long[] {6, 1}, 1f, 2f, 0.5f, 3f, 0.25f, 1.5f);
    INDArray fortran = base.dup('f');
    assertArrayEquals(bits(TensorQuant.fakeTensorQuant(base, amax)), bits(TensorQuant.fakeTensorQuant(fortran, amax)));
    INDArray strided = base.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2, 10));
    INDArray expected = TensorQuant.fakeTensorQuant(strided.dup('c'), amax);
    assertArrayEquals(bits(expected), bits(TensorQuant.fakeTensorQuant(strided, amax)));
    INDArray target = Nd4j.zeros(DataType.FLOAT, 6, 10);
    INDArray targetView = target.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 10));
    TensorQuant.fakeTensorQuantInto(strided, amax, 8, false, true, targetView);
    assertArrayEquals(bits(expected), bits(targetView));
    assertEquals(0f, target.getFloat(0, 1));
    INDArray row = base.getRow(2);
    assertArrayEquals(bits(TensorQuant.fakeTensorQuant(row.dup(), scalar(0.5f))),
        bits(TensorQuant.fakeTensorQuant(row, scalar(0.5f))));
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void zeroAmaxGivesZerosButNaNForNonFiniteInputs(KernelPath path) {
    KernelPath.select(path);
    INDArray x = floats(new long[] {5}, 1.5f, -2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
    INDArray out = TensorQuant.fakeTensorQuant(x, scalar(0x1p-24f));
    assertArrayEquals(new float[] {0f, -0f, Float.NaN, Float.NaN, Float.NaN}, out.data().asFloat());
    QuantizedTensor q = TensorQuant.tensorQuant(x, scalar(0f));
    assertEquals(1f, q.scale().getFloat(0));
  }

  @Test
  void badInputIsRejectedNamingTheArgumentAndValue() {
    INDArray x = floats(new long[] {2, 3}, 1f, -2f, 3f, 0f, 0.5f, 1f);
    IllegalArgumentException unsigned = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuant(x, scalar(3f), 8, true, false));
    assertTrue(unsigned.getMessage().startsWith("x "), unsigned.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuant(x, scalar(-1f)));
    assertTrue(negative.getMessage().contains("amax") && negative.getMessage().contains("-1.0"), negative.getMessage());
    for (int numBits : new int[] {0, 17, -3}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> TensorQuant.fakeTensorQuant(x, scalar(1f), numBits, false, true));
      assertTrue(e.getMessage().contains("numBits") && e.getMessage().contains(String.valueOf(numBits)), e.getMessage());
    }
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuant(x, Nd4j.ones(DataType.FLOAT, 2)));
    assertTrue(shape.getMessage().contains("amax shape [2]"), shape.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TensorQuant.fakeTensorQuant(x, null));
    assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuantInto(x, scalar(1f), 8, false, true, Nd4j.zeros(DataType.FLOAT, 3, 2)));
    assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.fakeTensorQuantInto(x, scalar(1f), 8, false, true, Nd4j.zeros(DataType.DOUBLE, 2, 3)));
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> TensorQuant.tensorQuant(x.castTo(DataType.HALF), scalar(0.001f)));
    assertTrue(half.getMessage().contains("FP16"), half.getMessage());
  }

  @Test
  void unsignedInputWithNaNPassesTheNegativeCheckAndClampsToZero() {
    INDArray x = floats(new long[] {3}, Float.NaN, -0.25f, 1f);
    assertArrayEquals(new float[] {Float.NaN, 0f, 255f},
        TensorQuant.tensorQuant(x, scalar(1f), 8, true).values().data().asFloat());
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void unsignedGivesNegativeZeroOnlyWhereRintDoes(KernelPath path) {
    KernelPath.select(path);
    float[] v = new float[40];
    for (int i = 0; i < v.length; i++) {
      v[i] = new float[] {-0.3f, -0.5f, -0.7f, -0f, 0.2f}[i % 5];
    }
    v[39] = Float.NaN;
    int[] got = bits(TensorQuant.tensorQuant(floats(new long[] {40}, v), scalar(255f), 8, true).values());
    for (int i = 0; i < 39; i++) {
      int expected = Float.floatToIntBits(i % 5 == 2 || i % 5 == 4 ? 0f : -0f);
      assertEquals(expected, got[i], "element " + i + " = " + v[i]);
    }
  }

  @ParameterizedTest
  @EnumSource(KernelPath.class)
  void straightThroughGradientPassesWhereAbsXIsAtMostAmax(KernelPath path) {
    KernelPath.select(path);
    INDArray x = floats(new long[] {2, 4}, -1f, 1f, 1.01f, Float.NaN, 0.5f, -0.5f, 0.51f, -2f);
    INDArray amax = floats(new long[] {2, 1}, 1f, 0.5f);
    INDArray grad = floats(new long[] {2, 4}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
    assertArrayEquals(new float[] {1f, 2f, 0f, 0f, 5f, 6f, 0f, 0f},
        TensorQuant.fakeTensorQuantBackward(grad, x, amax).data().asFloat());
  }

  @Test
  void straightThroughKernelMatchesTheElementLoopBitForBit() {
    Nd4j.getRandom().setSeed(35);
    float[] v = awkwardValues(4 * 50, 9, false);
    float[] grads = awkwardValues(4 * 50, 10, false);
    INDArray x = floats(new long[] {4, 50}, v);
    INDArray g = floats(new long[] {4, 50}, grads);
    for (INDArray amax : new INDArray[] {scalar(1.5f), floats(new long[] {4, 1}, 0f, 1f, 2f, Float.NaN),
        Nd4j.rand(DataType.FLOAT, 50).muli(3)}) {
      KernelPath.select(KernelPath.VECTOR);
      INDArray vector = TensorQuant.fakeTensorQuantBackward(g, x, amax);
      KernelPath.select(KernelPath.ND4J_OPS);
      INDArray loop = TensorQuant.fakeTensorQuantBackward(g, x, amax);
      assertArrayEquals(bits(loop), bits(vector), () -> "amax " + amax);
    }
  }

  @Test
  void affineGradientPassesInsideTheClosedRange() {
    INDArray x = floats(new long[] {5}, -1f, -1.01f, 1.5f, 1.51f, Float.NaN);
    INDArray grad = floats(new long[] {5}, 1f, 2f, 3f, 4f, 5f);
    assertArrayEquals(new float[] {1f, 0f, 3f, 0f, 0f},
        TensorQuant.fakeAffineTensorQuantBackward(grad, x, scalar(-1f), scalar(1.5f)).data().asFloat());
  }

  @Test
  void reduceAmaxReducesAndSqueezesAsTheReference() {
    INDArray x = Nd4j.createFromArray(new float[] {1, -7, 3, -2, 5, -6, 0, 4, -8, 2, 1, 1}).reshape(2, 2, 3);
    INDArray all = TensorQuant.reduceAmax(x, null, true);
    assertEquals(0, all.rank());
    assertEquals(8f, all.getFloat(0));
    assertArrayEquals(new long[] {1, 1, 3}, TensorQuant.reduceAmax(x, new int[] {0, 1}, true).shape());
    INDArray dropped = TensorQuant.reduceAmax(x, new int[] {0, 1}, false);
    assertArrayEquals(new long[] {3}, dropped.shape());
    assertArrayEquals(new float[] {2, 7, 8}, dropped.data().asFloat());
    assertArrayEquals(new long[] {2, 2, 1}, TensorQuant.reduceAmax(x, new int[] {-1}, true).shape());
    assertArrayEquals(new long[] {2, 3}, TensorQuant.reduceAmax(x, 1, false).shape());
    assertEquals(0, TensorQuant.reduceAmax(x, new int[] {0, 1, 2}, true).rank());
    INDArray withNaN = Nd4j.createFromArray(new float[] {1, Float.NaN, 3, 9}).reshape(2, 2);
    assertArrayEquals(new float[] {Float.NaN, 9}, TensorQuant.reduceAmax(withNaN, new int[] {1}, false).data().asFloat());
    assertThrows(IllegalArgumentException.class, () -> TensorQuant.reduceAmax(x, new int[] {0, 1, 2, 0}, true));
    assertThrows(IllegalArgumentException.class, () -> TensorQuant.reduceAmax(x, new int[] {3}, true));
  }

  @Test
  void bfloat16IsComputedInBfloat16AndFloat16InFloat32() {
    INDArray x = floats(new long[] {3}, 0.9765625f, 2.21875f, -3f);
    INDArray bf = TensorQuant.tensorQuant(x.castTo(DataType.BFLOAT16), scalar(5.828526496887207f)).values();
    assertEquals(DataType.BFLOAT16, bf.dataType());
    assertArrayEquals(new float[] {21f, 48f, -65f}, bf.castTo(DataType.FLOAT).data().asFloat());
    INDArray half = TensorQuant.fakeTensorQuant(x.castTo(DataType.HALF), scalar(4f));
    assertEquals(DataType.HALF, half.dataType());
  }
}
