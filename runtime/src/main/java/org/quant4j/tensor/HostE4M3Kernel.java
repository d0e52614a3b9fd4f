package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The one-pass float32 E4M3 fake-quantization kernel over host memory, bit-exact with
 * {@link E4M3FakeQuant#fakeQuantize(float, float, float)}: ranges run on the {@link HostKernels} this JVM
 * uses (Vector API or scalar, the same bits).
 *
 * <p>Arrays must be float32, C-contiguous, in host memory and under 2 GiB ({@link #canRun}). Input and
 * output may be the same array.
 */
final class HostE4M3Kernel {

  private HostE4M3Kernel() {}

  /**
   * Whether the kernel can read or write an array in place.
   *
   * @param a the array
   * @return true for a float32, C-contiguous, host-memory array of under 2 GiB
   */
  static boolean canRun(INDArray a) {
    return HostFakeQuantKernel.canRun(a);
  }

  /**
   * Fake-quantizes x into out.
   *
   * @param x the input ({@link #canRun})
   * @param out the output, same shape ({@link #canRun}); may be x
   * @param m the multiplier
   * @param d the divisor
   */
  static void run(INDArray x, INDArray out, float m, float d) {
    long n = x.length();
    if (n == 0) {
      return;
    }
    ByteBuffer in = HostMemory.bytes(x);
    ByteBuffer dst = x == out ? in : HostMemory.bytes(out);
    HostKernels kernels = HostKernels.get();
    try {
      ParallelRanges.forEach(n, (from, to) -> FloatLanes.map(in, dst, (int) from, (int) to,
          (i, o, a, b) -> kernels.e4m3(i, o, a, b, m, d)));
    } finally {
      Reference.reachabilityFence(x);
      Reference.reachabilityFence(out);
    }
  }
}
