package org.quant4j.onnx;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The ONNX {@code pads} of a DL4J convolution, deconvolution or pooling window, made explicit from the
 * known input and output sizes so the graph never depends on an {@code auto_pad} convention.
 *
 * <p>DL4J's {@code Same} mode pads like TensorFlow's SAME: total padding
 * {@code (out - 1) * stride + (k - 1) * dilation + 1 - in}, the smaller half before
 * ({@code ConvolutionUtils.getSameModeTopLeftPadding}). {@code Causal} (1-D) pads
 * {@code (k - 1) * dilation} before and nothing after. {@code Truncate} and {@code Strict} use the
 * configured padding on both sides.
 */
final class ConvGeometry {

  private ConvGeometry() {}

  /**
   * A sliding window's configuration, cut to its spatial rank (DL4J's 1-D layers carry a second,
   * unused value in each array).
   *
   * @param kernel kernel sizes
   * @param stride strides
   * @param padding configured padding
   * @param dilation dilations
   */
  record Window(int[] kernel, int[] stride, int[] padding, int[] dilation) {

    /**
     * The first {@code n} values of each DL4J size array.
     *
     * @param kernel DL4J kernel sizes
     * @param stride DL4J strides
     * @param padding DL4J padding
     * @param dilation DL4J dilations
     * @param n the spatial rank
     * @return the window
     */
    static Window of(int[] kernel, int[] stride, int[] padding, int[] dilation, int n) {
      return new Window(Arrays.copyOf(kernel, n), Arrays.copyOf(stride, n), Arrays.copyOf(padding, n),
          Arrays.copyOf(dilation, n));
    }

    /** Whether any dilation differs from 1. */
    boolean dilated() {
      return Arrays.stream(dilation).anyMatch(d -> d != 1);
    }
  }

  /**
   * The spatial sizes of a DL4J activation type.
   *
   * @param type a recurrent (1-D), convolutional (2-D) or convolutional 3-D type
   * @return [T], [H, W] or [D, H, W]
   * @throws IllegalArgumentException for other types
   */
  static long[] spatial(InputType type) {
    if (type instanceof InputType.InputTypeRecurrent r) {
      return new long[] {r.getTimeSeriesLength()};
    }
    if (type instanceof InputType.InputTypeConvolutional c) {
      return new long[] {c.getHeight(), c.getWidth()};
    }
    if (type instanceof InputType.InputTypeConvolutional3D c) {
      return new long[] {c.getDepth(), c.getHeight(), c.getWidth()};
    }
    throw new IllegalArgumentException("expected a recurrent or convolutional activation, got " + type);
  }

  /**
   * Pads of a forward convolution or pooling window.
   *
   * @param mode the convolution mode
   * @param w the window
   * @param in input spatial sizes
   * @param out output spatial sizes (as DL4J computes them)
   * @return ONNX pads: all begins, then all ends
   */
  static long[] forward(ConvolutionMode mode, Window w, long[] in, long[] out) {
    int[] kernel = w.kernel();
    int[] stride = w.stride();
    int[] padding = w.padding();
    int[] dilation = w.dilation();
    int n = in.length;
    long[] pads = new long[2 * n];
    for (int i = 0; i < n; i++) {
      long effectiveKernel = (long) (kernel[i] - 1) * dilation[i] + 1;
      if (mode == ConvolutionMode.Same) {
        long total = Math.max(0, (out[i] - 1) * stride[i] + effectiveKernel - in[i]);
        pads[i] = total / 2;
        pads[n + i] = total - total / 2;
      } else if (mode == ConvolutionMode.Causal) {
        pads[i] = effectiveKernel - 1;
      } else {
        pads[i] = padding[i];
        pads[n + i] = padding[i];
      }
    }
    return pads;
  }

  /**
   * Pads of a transposed convolution: ONNX's output size is
   * {@code stride * (in - 1) + (k - 1) * dilation + 1 - padBegin - padEnd}; in {@code Same} mode the
   * total is whatever gives DL4J's output size {@code in * stride}, the smaller half before.
   *
   * @param mode the convolution mode
   * @param w the window
   * @param in input spatial sizes
   * @param out output spatial sizes (as DL4J computes them)
   * @param owner the layer, for the error message
   * @return ONNX pads: all begins, then all ends
   * @throws IllegalArgumentException if the output size would need ONNX's output_padding
   */
  static long[] transposed(ConvolutionMode mode, Window w, long[] in, long[] out, String owner) {
    int[] kernel = w.kernel();
    int[] stride = w.stride();
    int[] padding = w.padding();
    int[] dilation = w.dilation();
    int n = in.length;
    long[] pads = new long[2 * n];
    for (int i = 0; i < n; i++) {
      long effectiveKernel = (long) (kernel[i] - 1) * dilation[i] + 1;
      if (mode == ConvolutionMode.Same) {
        long total = stride[i] * (in[i] - 1) + effectiveKernel - out[i];
        if (total < 0) {
          throw new IllegalArgumentException(
              owner + ": Same-mode deconvolution with stride " + stride[i] + " larger than its kernel " + effectiveKernel
                  + " is not exported");
        }
        pads[i] = total / 2;
        pads[n + i] = total - total / 2;
      } else {
        pads[i] = padding[i];
        pads[n + i] = padding[i];
      }
    }
    return pads;
  }

  /**
   * Widens int config values to ONNX's int64 attribute values.
   *
   * @param values the values
   * @return the same values as longs
   */
  static long[] longs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
