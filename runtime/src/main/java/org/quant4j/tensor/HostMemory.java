package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where an INDArray's elements live, and a direct view of them for the Vector API kernels: whether the
 * JVM can address them (host memory), whether they are contiguous in C order, and a
 * {@link ByteBuffer} over exactly the array's elements, without copying. The buffer does not keep
 * the array alive: a caller keeps it reachable ({@link Reference#reachabilityFence}) until done.
 */
final class HostMemory {

  private HostMemory() {}

  /**
   * Whether the array's buffer is host memory the JVM may read and write directly. With the CPU
   * backend it always is; with a device backend (CUDA) arrays live on the device and the kernels use
   * the composed ND4J ops instead.
   *
   * @param a the array
   * @return true for host memory
   */
  static boolean isHost(INDArray a) {
    return ComputeBackend.isHostMemory() && a.data() != null && a.data().addressPointer() != null;
  }

  /**
   * Whether the array's elements are contiguous in memory in C order: every dim of size above 1 has
   * the C stride (size-1 dims may carry any stride, as ND4J views often do).
   *
   * @param a the array
   * @return true if element {@code i} in C order is at {@code offset + i}
   */
  static boolean isCContiguous(INDArray a) {
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
  static ByteBuffer bytes(INDArray a) {
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
  static double[] doubles(INDArray a) {
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
  static float[] floats(INDArray a) {
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
}
