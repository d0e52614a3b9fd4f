package org.quant4j.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.internal.HostMemory;

/**
 * Fake and real quantization one element at a time, in any floating precision: the path for float64,
 * float16 and bfloat16 inputs, which the float32 Vector API kernel does not take. Each reference
 * operation is done in double and rounded once to the precision torch does it in
 * ({@link Precision}): {@code v = round_c(x * m)}, {@code q = clamp(rint(v), lo, hi)}; then for fake
 * quantization {@code round_o(round_o(q) / s)} with {@code s = scale.to(x.dtype)}, and for real
 * quantization {@code round_o(q)}, where {@code c} is the compute precision and {@code o} x's.
 */
final class ElementwiseFakeQuant {

  private ElementwiseFakeQuant() {}

  /**
   * Quantizes x into out.
   *
   * @param x the input
   * @param out the output, same shape and data type; may be x
   * @param layout how the scales broadcast against x
   * @param scales the per-channel constants
   * @param fake whether to dequantize (fake quantization)
   */
  static void run(INDArray x, INDArray out, ChannelLayout layout, QuantScales scales, boolean fake) {
    long n = layout.length();
    if (n == 0) {
      return;
    }
    double[] xs = valuesOf(x);
    double[] result = new double[xs.length];
    Precision compute = scales.compute();
    Precision output = scales.output();
    double[] mul = scales.multiplier();
    double[] div = scales.reported();
    double lo = scales.lo();
    double hi = scales.hi();
    layout.forEachElement((i, c) -> {
      double v = compute.round(xs[i] * mul[c]);
      double q = Math.rint(v);
      q = q < lo ? lo : (q > hi ? hi : q);
      q = output.round(q);
      result[i] = fake ? output.round(q / div[c]) : q;
    });
    out.assign(arrayOf(result, x.shape(), x.dataType()));
  }

  /**
   * An array's values in C order as exact doubles.
   *
   * @param a a floating array
   * @return its values
   */
  static double[] valuesOf(INDArray a) {
    return HostMemory.doubles(a);
  }

  /**
   * A new array of the given shape and type from values that the type holds exactly.
   *
   * @param values the values in C order
   * @param shape the shape ({@code []} for 0-dim)
   * @param type the data type
   * @return the array
   */
  static INDArray arrayOf(double[] values, long[] shape, DataType type) {
    INDArray d = shape.length == 0
        ? Nd4j.scalar(DataType.DOUBLE, values[0])
        : Nd4j.create(values, shape, 'c');
    return d.dataType() == type ? d : d.castTo(type);
  }
}
