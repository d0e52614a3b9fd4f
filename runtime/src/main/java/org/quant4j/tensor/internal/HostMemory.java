package org.quant4j.tensor.internal;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.tensor.ComputeBackend;

/**
 * Where an INDArray's elements live, and the one way the runtime reads and writes them in bulk: whether
 * the JVM can address them (host memory), whether they are contiguous in C order, a {@link ByteBuffer}
 * over exactly the array's elements without copying ({@link #bytes}, {@link #storage}), and copies to and
 * from Java arrays. A buffer does not keep its array alive: a caller keeps it reachable
 * ({@link Reference#reachabilityFence}) until done.
 */
public final class HostMemory {

  private HostMemory() {}

  /**
   * Whether the array's buffer is host memory the JVM may read and write directly. With the CPU
   * backend it always is; with a device backend (CUDA) arrays live on the device and the kernels use
   * the composed ND4J ops instead.
   *
   * @param a the array
   * @return true for host memory
   */
  public static boolean isHost(INDArray a) {
    return ComputeBackend.isHostMemory() && a.data() != null && a.data().addressPointer() != null;
  }

  /**
   * Whether the array's elements are contiguous in memory in C order: every dim of size above 1 has
   * the C stride (size-1 dims may carry any stride, as ND4J views often do).
   *
   * @param a the array
   * @return true if element {@code i} in C order is at {@code offset + i}
   */
  public static boolean isCContiguous(INDArray a) {
    long[] shape = a.shape();
    long[] stride = a.stride();
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && stride[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }

  /**
   * A native-order byte buffer over exactly the array's elements (its offset applied), sharing its
   * memory. The array must be host-resident, C-contiguous and under 2 GiB.
   *
   * @param a the array
   * @return the view
   */
  public static ByteBuffer bytes(INDArray a) {
    long size = a.length() * a.dataType().width();
    BytePointer p = new BytePointer(a.data().addressPointer());
    p.position(0).limit(size).capacity(size);
    return p.asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /**
   * An array's values in C order as exact doubles (every float32, float16 and bfloat16 value is
   * exact in double), read in bulk from host memory.
   *
   * @param a a numeric array
   * @return its values
   */
  public static double[] doubles(INDArray a) {
    int n = Math.toIntExact(a.length());
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    if (!ComputeBackend.isHostMemory()) {
      return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }
    if (a.dataType() == DataType.FLOAT) {
      float[] f = floats(a);
      for (int i = 0; i < n; i++) {
        out[i] = f[i];
      }
      return out;
    }
    INDArray d = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
    if (!isCContiguous(d)) {
      d = d.dup('c');
    }
    try {
      bytes(d).asDoubleBuffer().get(out);
    } finally {
      Reference.reachabilityFence(d);
    }
    return out;
  }

  /**
   * A float32 array's values in C order, read in bulk from host memory.
   *
   * @param a a FLOAT array
   * @return its values
   */
  public static float[] floats(INDArray a) {
    if (!ComputeBackend.isHostMemory()) {
      return a.dup('c').data().asFloat();
    }
    INDArray f = isCContiguous(a) ? a : a.dup('c');
    float[] out = new float[Math.toIntExact(a.length())];
    try {
      bytes(f).asFloatBuffer().get(out);
    } finally {
      Reference.reachabilityFence(f);
    }
    return out;
  }

  /**
   * Read access to the float32 values of an array in storage order: the array itself when its elements
   * are exactly its float32 buffer (in any order of dims, {@link StorageLayout#isDensePermutation}),
   * otherwise a fresh float32 C-order copy; the input is never modified.
   *
   * @param owner the array whose memory {@code bytes} reads (x itself, or its float32 copy); keep it
   *     reachable until done reading
   * @param bytes native-order float32 values, exactly {@code 4 * x.length()} bytes from position 0
   */
  public record Storage(INDArray owner, ByteBuffer bytes) {}

  /**
   * The values of x in storage order, for scans whose result does not depend on the order (a histogram,
   * a range).
   *
   * @param x the array
   * @return the owner and its bytes
   * @throws IllegalArgumentException if x has more than {@code Integer.MAX_VALUE / 4} elements
   */
  public static Storage storage(INDArray x) {
    if (x.length() > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException(
          "x must have at most " + Integer.MAX_VALUE / 4 + " elements, got " + x.length());
    }
    boolean whole = x.dataType() == DataType.FLOAT && StorageLayout.isDensePermutation(x);
    INDArray owner = whole ? x : x.castTo(DataType.FLOAT).dup('c');
    ByteBuffer b = owner.data().asNio().duplicate();
    b.position(0).limit((int) x.length() * Float.BYTES);
    return new Storage(owner, b.slice().order(ByteOrder.nativeOrder()));
  }

  /**
   * The values of an array of any data type as a new float32 array in C order.
   *
   * @param x the array (not modified)
   * @return a new float[]
   */
  public static float[] floatsOf(INDArray x) {
    return floats(x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT));
  }

  /**
   * A new array of {@code like}'s shape and data type holding {@code values} (C order).
   *
   * @param values the values
   * @param like the array whose shape and data type the result takes
   * @return a new array
   */
  public static INDArray arrayOf(float[] values, INDArray like) {
    INDArray out = like.rank() == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, like.shape(), 'c');
    return like.dataType() == DataType.FLOAT ? out : out.castTo(like.dataType());
  }
}
