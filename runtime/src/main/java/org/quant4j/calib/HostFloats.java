package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.tensor.StorageLayout;

/**
 * Read access to the float32 values of an INDArray in host memory, in storage order, without copying
 * when the array's elements are exactly its float32 buffer (in any order of dims: see
 * {@link StorageLayout#isDensePermutation}). Anything else (an offset view, another
 * data type) is first converted into a fresh float32 array; the input is never modified.
 *
 * <p>The buffer points into native memory that ND4J frees when the owning array is collected, so a
 * caller keeps {@link #owner()} reachable (e.g. with {@link java.lang.ref.Reference#reachabilityFence})
 * until it has finished reading {@link #bytes()}.
 *
 * @param owner the array whose memory {@code bytes} reads (x itself, or its float32 copy)
 * @param bytes native-order float32 values, exactly {@code 4 * x.length()} bytes from position 0
 */
record HostFloats(INDArray owner, ByteBuffer bytes) {

  /**
   * The values of x in storage order (the order does not matter to a histogram).
   *
   * @param x the array
   * @return the owner and its bytes
   * @throws IllegalArgumentException if x has more than {@code Integer.MAX_VALUE / 4} elements
   */
  static HostFloats of(INDArray x) {
    if (x.length() > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "x must have at most " + Integer.MAX_VALUE / 4 + " elements, got " + x.length());
    }
    INDArray owner = wholeBuffer(x) ? x : x.castTo(DataType.FLOAT).dup('c');
    ByteBuffer b = owner.data().asNio().duplicate();
    b.position(0).limit((int) x.length() * Float.BYTES);
    return new HostFloats(owner, b.slice().order(ByteOrder.nativeOrder()));
  }

  /** Whether x's elements are exactly its float32 buffer's first length() elements, in any order. */
  private static boolean wholeBuffer(INDArray x) {
    return x.dataType() == DataType.FLOAT && StorageLayout.isDensePermutation(x);
  }
}
