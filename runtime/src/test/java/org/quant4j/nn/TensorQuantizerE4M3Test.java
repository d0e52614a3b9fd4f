package org.quant4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;

/** TensorQuantizer with an FP8 E4M3 descriptor. */
class TensorQuantizerE4M3Test {

  private static final QuantDescriptor FP8 = QuantDescriptor.builder().numBits(4, 3).build();

  @Test
  void printsAsTheReferenceWithMaxBound448() {
    TensorQuantizer q = new TensorQuantizer(FP8);
    assertEquals("TensorQuantizer((4, 3)bit fake per-tensor amax=dynamic calibrator=MaxCalibrator scale=1.0 quant)",
        q.toString());
    assertEquals(448f, q.maxBound());
    q.setAmax(4.48f);
    assertEquals(0.01f, q.stepSize().getFloat(0), 1e-9f);
  }

  @Test
  void dynamicAndCalibratedAmaxQuantizeOntoTheE4M3Grid() {
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.randn(DataType.FLOAT, 4, 50);
    TensorQuantizer q = new TensorQuantizer(FP8);
    INDArray dynamic = TensorQuant.reduceAmax(x, null, true);
    assertSameBits(TensorQuant.fakeTensorQuantE4M3(x, dynamic), q.apply(x));
    q.disableQuant();
    q.enableCalib();
    q.apply(x.mul(0.5));
    q.loadCalibAmax();
    q.disableCalib();
    q.enableQuant();
    INDArray amax = q.amax();
    assertEquals(dynamic.getFloat(0) * 0.5f, amax.getFloat(0), 1e-6f);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
    assertSame(out, q.applyInto(x, out));
    assertSameBits(TensorQuant.fakeTensorQuantE4M3(x, amax), out);
  }

  @Test
  void backwardMasksWhereInputExceedsAmax() {
    TensorQuantizer q = new TensorQuantizer(FP8);
    q.setAmax(1f);
    INDArray x = Nd4j.create(new float[] {-2f, -1f, 0.3f, 1.5f});
    assertSameBits(Nd4j.create(new float[] {0f, 1f, 1f, 0f}), q.backward(Nd4j.onesLike(x), x));
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

  /** Fails unless {@link #sameBits} holds, showing both arrays. */
  private static void assertSameBits(INDArray expected, INDArray actual) {
    assertTrue(sameBits(expected, actual), () -> "expected " + expected + " but was " + actual);
  }
}
