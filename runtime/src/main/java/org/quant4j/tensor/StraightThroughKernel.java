package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The straight-through estimator of fake quantization over float32 host memory, on the Java Vector
 * API: {@code grad_in = |x| <= amax ? grad_out : 0}, one pass over x and the gradient. NaN x compares
 * false and gets 0, as the reference's {@code torch.where}. amax is compared in float32, so the caller
 * passes only amax values that float32 holds exactly.
 */
final class StraightThroughKernel {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  private StraightThroughKernel() {}

  /**
   * Masks the gradient.
   *
   * @param gradOut the output gradient, float32, for which {@link VectorFakeQuantKernel#canRun} holds
   * @param x the forward input, same shape, for which {@link VectorFakeQuantKernel#canRun} holds
   * @param amax per channel, exact float32 values
   * @param layout how amax broadcasts against x
   * @param out the result, same shape, for which {@link VectorFakeQuantKernel#canRun} holds
   */
  static void run(INDArray gradOut, INDArray x, float[] amax, ChannelLayout layout, INDArray out) {
    long n = layout.length();
    if (n == 0) {
      return;
    }
    ByteBuffer g = HostMemory.bytes(gradOut);
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = HostMemory.bytes(out);
    try {
      ParallelRanges.forEach(n, (from, to) -> FloatLanes.map(g, in, dst, (int) from, (int) to,
          (lg, lx, lo, a, b) -> runRange(lg, lx, lo, a, b, amax, layout)));
    } finally {
      Reference.reachabilityFence(gradOut);
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }

  private static void runRange(FloatLanes g, FloatLanes in, FloatLanes out, long from, long to, float[] amax,
      ChannelLayout layout) {
    boolean rows = layout.mode() == ChannelLayout.Mode.ROWS;
    layout.forEachRun(from, to, (start, count, channel) -> {
      if (rows) {
        rowRun(g, in, out, start, count, amax, channel);
      } else {
        blockRun(g, in, out, start, count, amax[channel]);
      }
    });
  }

  private static void blockRun(FloatLanes g, FloatLanes in, FloatLanes out, int from, int len, float a) {
    FloatVector va = FloatVector.broadcast(SPECIES, a);
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = from + SPECIES.loopBound(len);
    int i = from;
    for (; i < upper; i += LANES) {
      FloatVector x = in.load(SPECIES, i).abs();
      FloatVector grad = g.load(SPECIES, i);
      out.store(zero.blend(grad, x.compare(VectorOperators.LE, va)), i);
    }
    for (int end = from + len; i < end; i++) {
      out.put(i, Math.abs(in.get(i)) <= a ? g.get(i) : 0f);
    }
  }

  private static void rowRun(FloatLanes g, FloatLanes in, FloatLanes out, int from, int len, float[] amax,
      int channel) {
    FloatVector zero = FloatVector.zero(SPECIES);
    int upper = SPECIES.loopBound(len);
    int j = 0;
    for (; j < upper; j += LANES) {
      FloatVector x = in.load(SPECIES, from + j).abs();
      FloatVector grad = g.load(SPECIES, from + j);
      FloatVector va = FloatVector.fromArray(SPECIES, amax, channel + j);
      out.store(zero.blend(grad, x.compare(VectorOperators.LE, va)), from + j);
    }
    for (; j < len; j++) {
      out.put(from + j, Math.abs(in.get(from + j)) <= amax[channel + j] ? g.get(from + j) : 0f);
    }
  }
}
