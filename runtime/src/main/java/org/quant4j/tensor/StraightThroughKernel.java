package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The straight-through estimator of fake quantization over float32 host memory:
 * {@code grad_in = |x| <= amax ? grad_out : 0}, one pass over x and the gradient on the
 * {@link HostKernels} this JVM uses. NaN x compares false and gets 0, as the reference's
 * {@code torch.where}. amax is compared in float32, so the caller passes only amax values that float32
 * holds exactly.
 */
final class StraightThroughKernel {

  private StraightThroughKernel() {}

  /**
   * Masks the gradient.
   *
   * @param gradOut the output gradient, float32, for which {@link HostFakeQuantKernel#canRun} holds
   * @param x the forward input, same shape, for which {@link HostFakeQuantKernel#canRun} holds
   * @param amax per channel, exact float32 values
   * @param layout how amax broadcasts against x
   * @param out the result, same shape, for which {@link HostFakeQuantKernel#canRun} holds
   */
  static void run(INDArray gradOut, INDArray x, float[] amax, ChannelLayout layout, INDArray out) {
    long n = layout.length();
    if (n == 0) {
      return;
    }
    ByteBuffer g = HostMemory.bytes(gradOut);
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = HostMemory.bytes(out);
    HostKernels kernels = HostKernels.get();
    boolean rows = layout.mode() == ChannelLayout.Mode.ROWS;
    try {
      ParallelRanges.forEach(n, (from, to) -> FloatLanes.map(g, in, dst, (int) from, (int) to,
          (lg, lx, lo, a, b) -> layout.forEachRun(a, b, (start, count, channel) -> {
            if (rows) {
              kernels.straightThroughRow(lg, lx, lo, start, count, amax, channel);
            } else {
              kernels.straightThroughBlock(lg, lx, lo, start, count, amax[channel]);
            }
          })));
    } finally {
      Reference.reachabilityFence(gradOut);
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }
}
