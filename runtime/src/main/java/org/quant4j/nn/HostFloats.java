package org.quant4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Moves an array's values to a float[] in C order and back, for the elementwise loops of nn. */
final class HostFloats {

  private HostFloats() {}

  /**
   * The values of an array as a new float32 array in C order.
   *
   * @param x the array (not modified)
   * @return a new float[]
   */
  static float[] copyOf(INDArray x) {
    INDArray f = x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT);
    return f.dup('c').data().asFloat();
  }

  /**
   * A new array of {@code like}'s shape and data type holding {@code values} (C order).
   *
   * @param values the values
   * @param like the array whose shape and data type the result takes
   * @return a new array
   */
  static INDArray toArray(float[] values, INDArray like) {
    INDArray out = like.rank() == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, like.shape(), 'c');
    return like.dataType() == DataType.FLOAT ? out : out.castTo(like.dataType());
  }
}
