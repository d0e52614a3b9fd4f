package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.IntBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.internal.HostMemory;

/**
 * The constants ({@link QuantScales}) of amax tensors seen before, so that a quantizer applied again with the
 * same amax skips the per-channel set-up (reading amax, the checks, a scale, multiplier and divisor per
 * channel): for a last-axis amax of 65,536 channels that set-up is a large part of a call.
 *
 * <p>An entry holds a copy of amax's float32 bits and is used only when amax holds exactly those bits now,
 * compared in bulk on every call, so an amax changed in place (calibration, a learned amax, a restored state)
 * is never quantized with stale constants; the constants depend on nothing else than those bits, amax's rank,
 * x's data type and the grid, which the entry also compares. Only float32, C-contiguous host-memory amax
 * tensors of at least {@link #MIN_CHANNELS} elements are kept (below that the set-up costs less than the
 * comparison). The slot of an amax is chosen by its identity, so one amax array reused call after call (a
 * quantizer's) finds its entry; arrays that share a slot only cost each other a recomputation. Entries are
 * immutable and published through an atomic array, so concurrent calls are safe.
 */
final class ScalesCache {

  /** The fewest amax elements worth keeping. */
  static final int MIN_CHANNELS = 64;
  private static final int SLOTS = 64;
  private static final AtomicReferenceArray<Entry> ENTRIES = new AtomicReferenceArray<>(SLOTS);

  private ScalesCache() {}

  /**
   * Whether amax's constants may be kept: float32, C-contiguous, in host memory, at least {@link #MIN_CHANNELS}
   * elements.
   *
   * @param amax the amax tensor
   * @return true if {@link #find} and {@link #bits} accept it
   */
  static boolean accepts(INDArray amax) {
    return amax.dataType() == DataType.FLOAT && amax.length() >= MIN_CHANNELS && HostMemory.isHost(amax)
        && HostMemory.isCContiguous(amax);
  }

  /**
   * The kept constants of amax, if it holds the same bits as when they were kept.
   *
   * @param amax an amax tensor that {@link #accepts}
   * @param xType x's data type
   * @param grid the quantization grid
   * @return the constants, or null when none are kept for these bits
   */
  static QuantScales find(INDArray amax, DataType xType, QuantGrid grid) {
    Entry e = ENTRIES.get(slot(amax));
    if (e == null || e.xType() != xType || !e.grid().equals(grid) || e.rank() != amax.rank()
        || e.bits().length != amax.length()) {
      return null;
    }
    try {
      return HostMemory.bytes(amax).asIntBuffer().equals(IntBuffer.wrap(e.bits())) ? e.scales() : null;
    } finally {
      Reference.reachabilityFence(amax);
    }
  }

  /**
   * A copy of amax's float32 bits in C order, read once: the constants are computed from these and kept
   * with them, so a concurrent change of amax cannot pair other bits with them.
   *
   * @param amax an amax tensor that {@link #accepts}
   * @return the bits
   */
  static int[] bits(INDArray amax) {
    int[] bits = new int[Math.toIntExact(amax.length())];
    try {
      HostMemory.bytes(amax).asIntBuffer().get(bits);
    } finally {
      Reference.reachabilityFence(amax);
    }
    return bits;
  }

  /**
   * Keeps the constants computed from bits, for the next call with the same amax array.
   *
   * @param amax the amax tensor (its identity chooses the slot)
   * @param bits the bits the constants were computed from ({@link #bits}); not modified afterwards
   * @param xType x's data type
   * @param grid the quantization grid
   * @param scales the constants
   */
  static void keep(INDArray amax, int[] bits, DataType xType, QuantGrid grid, QuantScales scales) {
    ENTRIES.set(slot(amax), new Entry(bits, amax.rank(), xType, grid, scales));
  }

  private static int slot(INDArray amax) {
    return System.identityHashCode(amax) & (SLOTS - 1);
  }

  private record Entry(int[] bits, int rank, DataType xType, QuantGrid grid, QuantScales scales) {}
}
