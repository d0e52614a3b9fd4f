package org.quant4j.calib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Read access to the float32 values of an INDArray in host memory, without copying when the array
 * owns a whole float32 buffer. Anything else (a view, another data type, a Fortran-order array where
 * C order is needed) is converted into a fresh C-order float32 array first; the input is never
 * modified.
 */
final class HostFloats {

  private HostFloats() {}

  /**
   * The array's float32 values in an unspecified order (the storage order), as a native-order byte
   * buffer (not to be written) of exactly {@code 4 * x.length()} bytes starting at position 0.
   *
   * @param x the array
   * @return a read-only view of its values, or of a float32 copy
   */
  static ByteBuffer anyOrder(INDArray x) {
    return bytes(wholeBuffer(x) ? x : x.castTo(DataType.FLOAT).dup('c'), x.length());
  }

  /**
   * The array's float32 values in C (row-major) order, as {@link #anyOrder}.
   *
   * @param x the array
   * @return a read-only view of its values, or of a float32 C-order copy
   */
  static ByteBuffer cOrder(INDArray x) {
    boolean direct = wholeBuffer(x) && (x.ordering() == 'c' || x.rank() <= 1 || isVectorLike(x));
    return bytes(direct ? x : x.castTo(DataType.FLOAT).dup('c'), x.length());
  }

  private static boolean isVectorLike(INDArray x) {
    int big = 0;
    for (long d : x.shape()) {
      if (d > 1) {
        big++;
      }
    }
    return big <= 1;
  }

  private static boolean wholeBuffer(INDArray x) {
    return x.dataType() == DataType.FLOAT && !x.isView() && x.offset() == 0
        && x.data().length() == x.length() && x.elementWiseStride() == 1;
  }

  private static ByteBuffer bytes(INDArray owner, long length) {
    if (length > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "x must have at most " + Integer.MAX_VALUE / 4 + " elements, got " + length);
    }
    ByteBuffer b = owner.data().asNio().duplicate();
    b.position(0).limit((int) length * 4);
    return b.slice().order(ByteOrder.nativeOrder());
  }
}
