package org.quant4j.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndSet;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Fake and real quantization as a sequence of ND4J ops on the output array, for memory the Vector API
 * kernel cannot reach (a device backend) and as an independent check of the kernel: broadcast
 * multiply by the multiplier, {@code Rint} (round half to even; never {@code Round}, which rounds half
 * away from zero, and never the native FakeQuant ops, which nudge the range), two compare-and-set ops
 * that replace values below {@code lo} or above {@code hi} (so NaN stays NaN and {@code -0} stays
 * {@code -0}, as torch's clamp), and a broadcast true division by the scale. Every step is an IEEE
 * operation in the array's precision, so the bits equal the kernel's. Float32 and float64 only.
 */
final class ComposedOpsFakeQuant {

  private ComposedOpsFakeQuant() {}

  /**
   * Whether this path handles the data type.
   *
   * @param type x's data type
   * @return true for FLOAT and DOUBLE
   */
  static boolean supports(DataType type) {
    return type == DataType.FLOAT || type == DataType.DOUBLE;
  }

  /**
   * Quantizes x into out with ND4J ops; allocates only the two small scale arrays.
   *
   * @param x the input
   * @param out the output, same shape and data type; may be x
   * @param layout how the scales broadcast against x
   * @param scales the per-channel constants
   * @param fake whether to divide by the scale (fake quantization)
   */
  static void run(INDArray x, INDArray out, ChannelLayout layout, QuantScales scales, boolean fake) {
    if (layout.length() == 0) {
      return;
    }
    DataType type = x.dataType();
    if (out != x) {
      out.assign(x);
    }
    out.muli(channelArray(scales.multiplier(), layout, type));
    Nd4j.getExecutioner().exec(new Rint(out, out));
    double lo = scales.lo();
    double hi = scales.hi();
    Nd4j.getExecutioner().exec(new CompareAndSet(out, lo, Conditions.lessThan(lo)));
    Nd4j.getExecutioner().exec(new CompareAndSet(out, hi, Conditions.greaterThan(hi)));
    if (fake) {
      out.divi(channelArray(scales.reported(), layout, type));
    }
  }

  private static INDArray channelArray(double[] values, ChannelLayout layout, DataType type) {
    long[] shape = layout.channelShape();
    return ElementwiseFakeQuant.arrayOf(values, shape, type);
  }
}
