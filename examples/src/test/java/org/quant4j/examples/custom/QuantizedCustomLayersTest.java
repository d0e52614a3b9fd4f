package org.quant4j.examples.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

    assertEquals(xq.mmul(wq.transpose()).addiRowVector(plain.bias()), quant.forward(x));
    assertNotEquals(plain.forward(x), quant.forward(x));
    assertEquals(
        List.of("_input_quantizer", "_weight_quantizer"), List.copyOf(quant.quantizers().keySet()));
  }

  @Test
  void quantMaxPool2dPoolsTheFakeQuantizedInput() {
    QuantMaxPool2d quant = new QuantMaxPool2d(2);
    INDArray x = Nd4j.rand(11L, new long[] {2, 3, 4, 6}).castTo(DataType.FLOAT).subi(0.5f);

    INDArray expected = new MaxPool2d(2).forward(fakeQuant(x, TensorQuant.reduceAmax(x, null, true)));

    assertEquals(expected, quant.forward(x));
    assertEquals(List.of("_input_quantizer"), List.copyOf(quant.quantizers().keySet()));
  }

  @Test
  void maxPool2dTakesTheMaximumOfEachWindow() {
    INDArray x = Nd4j.arange(16).castTo(DataType.FLOAT).reshape(1, 1, 4, 4);

    INDArray pooled = new MaxPool2d(2).forward(x);

    assertEquals(Nd4j.createFromArray(new float[] {5, 7, 13, 15}).reshape(1, 1, 2, 2), pooled);
  }

  /** 8-bit signed full range, as a default TensorQuantizer (descriptor narrow_range false). */
  private static INDArray fakeQuant(INDArray x, INDArray amax) {
    return TensorQuant.fakeTensorQuant(x, amax, 8, false, false);
  }
}
