package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.tensor.internal.HostMemory;
import org.quant4j.tensor.internal.StorageLayout;

/** Arrays whose elements are their whole buffer in another order: DL4J's permuted convolution outputs. */
class StorageLayoutTest {

  /** A [2, 3, 4, 5] array stored as [3, 2, 5, 4], as DL4J's convolution hands out NCHW over a CNHW-like buffer. */
  private static INDArray permutedView() {
    INDArray storage = Nd4j.linspace(-7.3, 9.1, 120, DataType.FLOAT).reshape('c', 3, 2, 5, 4);
    return storage.permute(1, 0, 3, 2);
  }

  @Test
  void aPermutedViewOfAWholeBufferIsADensePermutation() {
    Nd4j.getRandom().setSeed(31);
    INDArray p = permutedView();
    assertFalse(HostMemory.isCContiguous(p));
    assertTrue(StorageLayout.isDensePermutation(p));
    assertTrue(StorageLayout.isDensePermutation(Nd4j.rand(DataType.FLOAT, 4, 5)));
  }

  @Test
  void slicesAndStridedViewsAreNotDensePermutations() {
    Nd4j.getRandom().setSeed(32);
    INDArray m = Nd4j.rand(DataType.FLOAT, 6, 5);
    assertFalse(StorageLayout.isDensePermutation(m.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all())));
    assertFalse(StorageLayout.isDensePermutation(m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3))));
    assertFalse(StorageLayout.isDensePermutation(m.get(NDArrayIndex.interval(0, 2, 6), NDArrayIndex.all())));
  }

  @Test
  void anArrayLikeAPermutedViewHasItsStrides() {
    INDArray p = permutedView();
    INDArray like = StorageLayout.uninitializedLike(p);
    assertArrayEquals(p.shape(), like.shape());
    assertArrayEquals(p.stride(), like.stride());
    assertTrue(StorageLayout.isDensePermutation(like));
  }

  @Test
  void fakeQuantOfAPermutedViewIsBitExactWithItsCopy() {
    INDArray p = permutedView();
    INDArray amax = Nd4j.scalar(DataType.FLOAT, 6.5f);
    INDArray expected = TensorQuant.fakeTensorQuant(p.dup('c'), amax, 4, false, false);
    INDArray sameLayout = TensorQuant.fakeTensorQuantInto(p, amax, 4, false, false, StorageLayout.uninitializedLike(p));
    INDArray cOrder = TensorQuant.fakeTensorQuantInto(p, amax, 4, false, false, Nd4j.create(DataType.FLOAT, 2, 3, 4, 5));
    assertArrayEquals(TensorQuantTest.bits(expected), TensorQuantTest.bits(sameLayout));
    assertArrayEquals(TensorQuantTest.bits(expected), TensorQuantTest.bits(cOrder));
    assertArrayEquals(p.stride(), sameLayout.stride());
  }

  @Test
  void theStraightThroughMaskOfAPermutedViewMatchesItsCopy() {
    INDArray x = permutedView();
    INDArray amax = Nd4j.scalar(DataType.FLOAT, 4.25f);
    INDArray sameLayoutGrad = StorageLayout.uninitializedLike(x)
        .assign(Nd4j.linspace(1, 120, 120, DataType.FLOAT).reshape('c', 2, 3, 4, 5));
    INDArray expected = TensorQuant.fakeTensorQuantBackward(sameLayoutGrad.dup('c'), x.dup('c'), amax);
    INDArray sameLayout = TensorQuant.fakeTensorQuantBackward(sameLayoutGrad, x, amax);
    INDArray mixed = TensorQuant.fakeTensorQuantBackward(sameLayoutGrad.dup('c'), x, amax);
    assertArrayEquals(TensorQuantTest.bits(expected), TensorQuantTest.bits(sameLayout));
    assertArrayEquals(TensorQuantTest.bits(expected), TensorQuantTest.bits(mixed));
    assertArrayEquals(x.stride(), sameLayout.stride());
  }

  @Test
  void aHistogramOfAPermutedViewCountsWhatItsCopyCounts() {
    INDArray p = permutedView();
    HistogramCalibrator view = HistogramCalibrator.builder().build();
    HistogramCalibrator copy = HistogramCalibrator.builder().build();
    view.collect(p);
    copy.collect(p.dup('c'));
    assertSameBits(copy.histogram(), view.histogram());
    assertSameBits(copy.edges(), view.edges());
  }

  /**
   * Whether two arrays are the same exactly: shape, data type and every value's bits (any NaN equals any
   * NaN). {@code INDArray.equals} would let values differ by 1e-5.
   */
  private static boolean sameBits(INDArray a, INDArray b) {
    return a.dataType() == b.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
        && java.util.Arrays.equals(a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
            b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** Fails unless {@link #sameBits} holds, showing both arrays. */
  private static void assertSameBits(INDArray expected, INDArray actual) {
    assertTrue(sameBits(expected, actual), () -> "expected " + expected + " but was " + actual);
  }
}
