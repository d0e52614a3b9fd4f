package org.quant4j.tensor.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How an array's elements sit in its buffer, for code that can work on the buffer in storage order.
 * DL4J hands layers permuted views (a convolution's NCHW output is an NHWC buffer seen through permuted
 * strides): such an array is not C-contiguous, but its elements are still exactly its buffer's first
 * {@code length()} elements, only in another order. A per-tensor fake quantization or a histogram does
 * not care about the order, so it can run over the buffer as it is, and write an output with the same
 * strides, instead of gathering the view into a C-order copy first.
 */
public final class StorageLayout {

  private StorageLayout() {}

  /**
   * Whether the array's elements are exactly the elements {@code [0, length)} of its buffer, in some
   * order: no offset, and strides that are those of a contiguous array whose dims were permuted.
   *
   * @param a the array
   * @return true for a contiguous array or a permutation of one
   */
  public static boolean isDensePermutation(INDArray a) {
    if (a.offset() != 0 || a.data().offset() != 0 || a.data().length() < a.length()) {
      return false;
    }
    if (HostMemory.isCContiguous(a)) {
      return true;
    }
    long[] shape = a.shape();
    long[] stride = a.stride();
    Integer[] dims = new Integer[shape.length];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = d;
    }
    Arrays.sort(dims, (p, q) -> Long.compare(stride[p], stride[q]));
    long expected = 1;
    for (int d : dims) {
      if (shape[d] == 1) {
        continue;
      }
      if (stride[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }

  /**
   * A 1-D view of the array's buffer, {@code [0, length)}, in storage order.
   *
   * @param a an array for which {@link #isDensePermutation} holds
   * @return the flat view, sharing a's memory
   */
  public static INDArray flatStorage(INDArray a) {
    return Nd4j.create(a.data(), new long[] {a.length()}, new long[] {1}, 0, 'c', a.dataType());
  }

  /**
   * A new uninitialized array of {@code like}'s shape, data type and strides when {@code like} is a dense
   * permutation (so both have the same storage order), else in {@code like}'s ordering. The array is
   * created in the current workspace, if any; callers wanting a detached one scope out first.
   *
   * @param like the array to match
   * @return the new array
   */
  public static INDArray uninitializedLike(INDArray like) {
    if (isPermutedView(like)) {
      return withStridesOf(like, Nd4j.createBuffer(like.dataType(), like.length(), false));
    }
    return Nd4j.createUninitialized(like.dataType(), like.shape(), like.ordering());
  }

  /**
   * Whether the array is a dense permutation that is not C-contiguous: the case where matching its
   * storage order needs its own strides.
   *
   * @param a the array
   * @return true for a permuted view of a whole buffer
   */
  public static boolean isPermutedView(INDArray a) {
    return !HostMemory.isCContiguous(a) && isDensePermutation(a);
  }

  /**
   * An array of {@code like}'s shape, data type and strides over a given buffer.
   *
   * @param like a dense permutation
   * @param storage a buffer of at least {@code like.length()} elements of like's data type (for
   *     example a workspace array's), whose first elements become the new array's
   * @return the array, sharing storage's memory
   */
  public static INDArray withStridesOf(INDArray like, DataBuffer storage) {
    return Nd4j.create(storage, like.shape(), like.stride(), 0, like.ordering(), like.dataType());
  }

  /**
   * Whether two arrays of the same shape are both dense permutations with the same strides, so that
   * element {@code i} of one buffer and element {@code i} of the other are the same array element.
   *
   * @param a one array
   * @param b another, of a's shape
   * @return true if their buffers can be walked together in storage order
   */
  public static boolean sameDenseStorage(INDArray a, INDArray b) {
    return isDensePermutation(a) && isDensePermutation(b) && sameStrides(a, b);
  }

  /**
   * Whether two arrays of the same shape keep their elements in the same storage order.
   *
   * @param a one array
   * @param b another, of a's shape
   * @return true if every dim of size above 1 has the same stride in both
   */
  private static boolean sameStrides(INDArray a, INDArray b) {
    long[] shape = a.shape();
    long[] sa = a.stride();
    long[] sb = b.stride();
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] != 1 && sa[d] != sb[d]) {
        return false;
      }
    }
    return true;
  }
}
