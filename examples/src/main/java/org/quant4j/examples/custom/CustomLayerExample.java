package org.quant4j.examples.custom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;

/**
 * Runs the layers the annotation processor generated from {@link Linear} and {@link MaxPool2d}:
 * calibrates their quantizers on a few batches, as the reference's calibration tutorial does
 * (quantization off, calibration on, then amax loaded), and compares the quantized outputs with the
 * float ones.
 *
 * <p>Run with {@code java --add-modules=jdk.incubator.vector -cp "$(cat
 * examples/target/quant4j.classpath)" org.quant4j.examples.custom.CustomLayerExample} after any
 * {@code ./quant4j} call has built the project.
 */
public final class CustomLayerExample {

  private CustomLayerExample() {}

  /**
   * Builds, calibrates and runs a small pooled-then-dense block and prints what happened.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Linear floatLinear = new Linear(8, 4, 7);
    MaxPool2d floatPool = new MaxPool2d(2);
    QuantLinear linear = new QuantLinear(floatLinear.weight(), floatLinear.bias());
    QuantMaxPool2d pool = new QuantMaxPool2d(2);

    for (TensorQuantizer q : quantizers(linear, pool)) {
      q.disableQuant();
      q.enableCalib();
    }
    for (long seed = 0; seed < 4; seed++) {
      linear.forward(flatten(pool.forward(batch(seed))));
    }
    for (TensorQuantizer q : quantizers(linear, pool)) {
      q.loadCalibAmax();
      q.disableCalib();
      q.enableQuant();
    }

    INDArray x = batch(100);
    INDArray reference = floatLinear.forward(flatten(floatPool.forward(x)));
    INDArray quantized = linear.forward(flatten(pool.forward(x)));
    System.out.println("QuantMaxPool2d " + pool.quantizers());
    System.out.println("QuantLinear    " + linear.quantizers());
    System.out.printf(
        "max |quantized - float| = %.6f over %d outputs%n",
        quantized.sub(reference).amaxNumber().doubleValue(), reference.length());
  }

  private static TensorQuantizer[] quantizers(QuantLinear linear, QuantMaxPool2d pool) {
    return new TensorQuantizer[] {
      pool.inputQuantizer(), linear.inputQuantizer(), linear.weightQuantizer()
    };
  }

  /** A batch of 16 two-channel 4x4 images, values in [-1, 1). */
  private static INDArray batch(long seed) {
    return Nd4j.rand(seed, new long[] {16, 2, 4, 4}).castTo(DataType.FLOAT).muli(2f).subi(1f);
  }

  private static INDArray flatten(INDArray nchw) {
    return nchw.reshape(nchw.size(0), nchw.length() / nchw.size(0));
  }
}
