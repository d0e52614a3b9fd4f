package org.quant4j.examples.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.TensorQuant;

/** The classes the processor generated from the example layers quantize as the reference's. */
class QuantizedCustomLayersTest {

  @Test
  void quantLinearComputesWithFakeQuantizedInputAndPerRowWeight() {
    Linear plain = new Linear(5, 3, 42);
    QuantLinear quant = new QuantLinear(plain.weight(), plain.bias());
    INDArray x = Nd4j.rand(7L, new long[] {4, 5}).castTo(DataType.FLOAT).subi(0.5f).muli(4f);

    INDArray xq = fakeQuant(x, TensorQuant.reduceAmax(x, null, true));
    INDArray wq = fakeQuant(plain.weight(), TensorQuant.reduceAmax(plain.weight(), new int[] {1}, true));

    assertSameBits(xq.mmul(wq.transpose()).addiRowVector(plain.bias()), quant.forward(x));
    assertFalse(sameBits(plain.forward(x), quant.forward(x)));
    assertEquals(
        List.of("_input_quantizer", "_weight_quantizer"), List.copyOf(quant.quantizers().keySet()));
  }

  @Test
  void quantMaxPool2dPoolsTheFakeQuantizedInput() {
    QuantMaxPool2d quant = new QuantMaxPool2d(2);
    INDArray x = Nd4j.rand(11L, new long[] {2, 3, 4, 6}).castTo(DataType.FLOAT).subi(0.5f);

    INDArray expected = new MaxPool2d(2).forward(fakeQuant(x, TensorQuant.reduceAmax(x, null, true)));

    assertSameBits(expected, quant.forward(x));
    assertEquals(List.of("_input_quantizer"), List.copyOf(quant.quantizers().keySet()));
  }

  @Test
  void maxPool2dTakesTheMaximumOfEachWindow() {
    INDArray x = Nd4j.arange(16).castTo(DataType.FLOAT).reshape(1, 1, 4, 4);

    INDArray pooled = new MaxPool2d(2).forward(x);

    assertSameBits(Nd4j.createFromArray(new float[] {5, 7, 13, 15}).reshape(1, 1, 2, 2), pooled);
  }

  /** 8-bit signed full range, as a default TensorQuantizer (descriptor narrow_range false). */
  private static INDArray fakeQuant(INDArray x, INDArray amax) {
    return TensorQuant.fakeTensorQuant(x, amax, 8, false, false);
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
