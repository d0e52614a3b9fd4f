package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The one-pass float32 fake-quantization kernel over host memory: cuts the tensor into ranges (one per
 * thread, {@link ParallelRanges}) and runs ({@link ChannelLayout}), and hands each run to the
 * {@link HostKernels} this JVM uses (Vector API or scalar, the same bits), which computes
 * {@code clamp(rint(x * m), lo, hi)}, divided by the reported scale for fake quantization.
 *
 * <p>The arrays must be float32, C-contiguous, in host memory and under 2 GiB; {@link #canRun} says
 * whether one is. Input and output may be the same array.
 */
final class HostFakeQuantKernel {

  private HostFakeQuantKernel() {}

  /**
   * Whether the kernel can read or write an array in place.
   *
   * @param a the array
   * @return true for a float32, C-contiguous, host-memory array of under 2 GiB
   */
  static boolean canRun(INDArray a) {
    return a.dataType() == DataType.FLOAT
        && a.length() * Float.BYTES <= Integer.MAX_VALUE
        && HostMemory.isHost(a)
        && HostMemory.isCContiguous(a);
  }

  /**
   * Quantizes {@code x} into {@code out}.
   *
   * @param x the input, for which {@link #canRun} holds
   * @param out the output, same shape, for which {@link #canRun} holds; may be {@code x}
   * @param layout how the scales broadcast against x
   * @param scales the per-channel constants (float32 compute precision)
   * @param fake whether to divide by the scale (fake quantization) or return the integers
   */
  static void run(INDArray x, INDArray out, ChannelLayout layout, QuantScales scales, boolean fake) {
    long n = layout.length();
    if (n == 0) {
      return;
    }
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = x == out ? in : HostMemory.bytes(out);
    HostKernels kernels = HostKernels.get();
    float lo = (float) scales.lo();
    float hi = (float) scales.hi();
    float[] mul = scales.multiplierFloats();
    float[] div = scales.reportedFloats();
    boolean rows = layout.mode() == ChannelLayout.Mode.ROWS;
    // every row starts at channel 0 when the last dim is the only per-channel one
    int rowLength = rows && layout.channels() == layout.runLength() ? layout.channels() : 0;
    FloatLanes.UnaryBody body = (i, o, a, b) -> {
      int firstRow = rowLength == 0 ? b : Math.min(b, (a + rowLength - 1) / rowLength * rowLength);
      int wholeRows = rowLength == 0 ? 0 : (b - firstRow) / rowLength;
      int afterRows = firstRow + wholeRows * rowLength;
      ChannelLayout.RunVisitor visitor = (start, count, channel) -> {
        if (rows) {
          kernels.quantizeRow(i, o, start, count, mul, div, channel, lo, hi, fake);
        } else {
          kernels.quantizeBlock(i, o, start, count, mul[channel], div[channel], lo, hi, fake);
        }
      };
      layout.forEachRun(a, firstRow, visitor);
      if (wholeRows > 0) {
        kernels.quantizeRows(i, o, firstRow, wholeRows, rowLength, mul, div, lo, hi, fake);
      }
      layout.forEachRun(afterRows, b, visitor);
    };
    Range kernel = (from, to) -> FloatLanes.map(in, dst, (int) from, (int) to, body);
    try {
      ParallelRanges.forEach(n, kernel);
    } finally {
      // The byte buffers do not keep the arrays (and so their native memory) alive.
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }

  /**
   * Whether x holds a value below 0 while holding no NaN: the reference's unsigned check
   * {@code inputs.min() < 0}, where a NaN makes the minimum NaN and the check pass.
   *
   * @param x a float32 array for which {@link #canRun} holds
   * @return true if unsigned quantization must reject x
   */
  static boolean hasNegativeAndNoNaN(INDArray x) {
    HostKernels kernels = HostKernels.get();
    try {
      int flags = FloatLanes.scan(HostMemory.bytes(x), 0, (int) x.length(), 0,
          (in, from, to, acc) -> acc | kernels.negativeAndNaNFlags(in, from, to));
      return flags == HostKernels.NEGATIVE;
    } finally {
      Reference.reachabilityFence(x);
    }
  }
}
