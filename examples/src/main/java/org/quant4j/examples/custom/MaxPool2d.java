package org.quant4j.examples.custom;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.Quantize;

/**
 * Max pooling over non-overlapping {@code k x k} windows of an NCHW batch on plain ND4J, as
 * {@code torch.nn.MaxPool2d(k)} (stride = kernel size, no padding, trailing rows and columns that
 * do not fill a window dropped).
 *
 * <p>{@code @Quantize} makes the build generate {@code QuantMaxPool2d}, the reference's
 * {@code quant_nn.QuantMaxPool2d}: only the input is quantized (per tensor), so the generated class
 * has an input quantizer and no weight quantizer.
 */
@Quantize
public class MaxPool2d {

  private final int kernelSize;

  /**
   * A pooling layer.
   *
   * @param kernelSize the window size and stride, at least 1
   * @throws IllegalArgumentException if {@code kernelSize < 1}
   */
  public MaxPool2d(int kernelSize) {
    if (kernelSize < 1) {
      throw new IllegalArgumentException("kernelSize must be at least 1, got " + kernelSize);
    }
    this.kernelSize = kernelSize;
  }

  /**
   * Takes the maximum of each window.
   *
   * @param input the batch, {@code [N, C, H, W]} with {@code H, W >= kernelSize}
   * @return a new {@code [N, C, H / k, W / k]} array
   * @throws IllegalArgumentException if the input is not 4-D or smaller than one window
   */
  public INDArray forward(@QuantInput INDArray input) {
    if (input == null || input.rank() != 4) {
      throw new IllegalArgumentException(
          "input must be an NCHW batch, got " + (input == null ? "null" : input.shapeInfoToString()));
    }
    long n = input.size(0);
    long c = input.size(1);
    long h = input.size(2) / kernelSize;
    long w = input.size(3) / kernelSize;
    if (h == 0 || w == 0) {
      throw new IllegalArgumentException(
          "input must be at least " + kernelSize + "x" + kernelSize + " per channel, got "
              + input.size(2) + "x" + input.size(3));
    }
    INDArray windows =
        input
            .get(
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.interval(0, h * kernelSize),
                NDArrayIndex.interval(0, w * kernelSize))
            .dup('c')
            .reshape('c', n, c, h, kernelSize, w, kernelSize);
    return windows.max(3, 5);
  }

  /**
   * The window size and stride.
   *
   * @return the kernel size
   */
  public int kernelSize() {
    return kernelSize;
  }
}
