package org.quant4j.tensor;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.reduce.same.AMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;
import org.quant4j.tensor.internal.HostMemory;

/**
 * {@code max(|x|)} over a set of dims, NaN propagating as torch's {@code max} does: the computation
 * behind {@link TensorQuant#reduceAmax}. float32 host arrays use a pass of the {@link HostKernels} over the buffer;
 * other host arrays an element loop over exact doubles. Arrays in device memory (see
 * {@link ComputeBackend}), and every array when {@link KernelPath#ND4J_OPS} is selected, use ND4J's
 * {@code AMax} reduction where they live, plus a {@code MatchCondition(isNan)} count per channel
 * because ND4J's max does not reliably propagate NaN; only the per-channel results (a few values)
 * reach the host, never the tensor. Every value of the result is one of |x|'s (a max selects, it does
 * not round), so every path gives the same bits in x's data type.
 */
final class AmaxReduction {

  private AmaxReduction() {}

  /**
   * Reduces the marked dims.
   *
   * @param x the input
   * @param reduced per dim, whether to reduce it
   * @param keepdims whether reduced dims stay as size 1 (else they are removed)
   * @return a new array of x's data type
   */
  static INDArray reduce(INDArray x, boolean[] reduced, boolean keepdims) {
    long[] shape = x.shape();
    long[] kept = shape.clone();
    int remaining = 0;
    for (int d = 0; d < shape.length; d++) {
      if (reduced[d]) {
        kept[d] = 1;
      } else {
        remaining++;
      }
    }
    long[] resultShape;
    if (keepdims) {
      resultShape = kept;
    } else {
      resultShape = new long[remaining];
      for (int d = 0, k = 0; d < shape.length; d++) {
        if (!reduced[d]) {
          resultShape[k++] = shape[d];
        }
      }
    }
    if (x.length() > 0 && (KernelPath.selected() == KernelPath.ND4J_OPS || !ComputeBackend.isHostMemory())) {
      return reduceWithOps(x, reduced, kept, resultShape);
    }
    ChannelLayout layout = ChannelLayout.of("reduced", shape, kept);
    double[] out = new double[layout.channels()];
    Arrays.fill(out, Double.NEGATIVE_INFINITY);
    if (HostFakeQuantKernel.canRun(x)) {
      try {
        reduceFloats(HostMemory.bytes(x), layout, out);
      } finally {
        Reference.reachabilityFence(x);
      }
    } else {
      reduceDoubles(ElementwiseFakeQuant.valuesOf(x), layout, out);
    }
    return ElementwiseFakeQuant.arrayOf(out, resultShape, x.dataType());
  }

  /**
   * The reduction as ND4J ops where x lives: {@code AMax} over the reduced dims, then NaN wherever a
   * channel holds a NaN (counted by {@code MatchCondition}), as torch's max propagates it.
   */
  private static INDArray reduceWithOps(INDArray x, boolean[] reduced, long[] kept, long[] resultShape) {
    int[] dims = new int[reduced.length];
    int n = 0;
    for (int d = 0; d < reduced.length; d++) {
      if (reduced[d]) {
        dims[n++] = d;
      }
    }
    if (n == 0) {
      // Nothing reduced: |x| itself (abs keeps NaN). ND4J reads an empty dims list as "all dims".
      return Transforms.abs(x, true).reshape('c', resultShape);
    }
    dims = Arrays.copyOf(dims, n);
    INDArray amax = Nd4j.getExecutioner().exec(new AMax(x, dims));
    INDArray nans = Nd4j.getExecutioner().exec(new MatchCondition(x, Conditions.isNan(), dims));
    double[] values = amax.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    long[] nanCounts = nans.castTo(DataType.LONG).dup('c').data().asLong();
    for (int i = 0; i < values.length; i++) {
      if (nanCounts[i] > 0) {
        values[i] = Double.NaN;
      }
    }
    return ElementwiseFakeQuant.arrayOf(values, resultShape, x.dataType());
  }

  /**
   * Removes every size-1 dim, as torch's {@code squeeze_()}.
   *
   * @param a the array
   * @return a view or copy without size-1 dims (0-dim if none remain)
   */
  static INDArray squeezeAll(INDArray a) {
    long[] shape = Arrays.stream(a.shape()).filter(d -> d != 1).toArray();
    if (shape.length == a.rank()) {
      return a;
    }
    return shape.length == 0 ? a.reshape() : a.reshape('c', shape);
  }

  private static void reduceDoubles(double[] xs, ChannelLayout layout, double[] out) {
    layout.forEachElement((i, c) -> out[c] = maxPropagatingNaN(out[c], Math.abs(xs[i])));
  }

  private static void reduceFloats(ByteBuffer in, ChannelLayout layout, double[] out) {
    boolean rows = layout.mode() == ChannelLayout.Mode.ROWS;
    layout.forEachRun(0, layout.length(), (start, count, channel) -> {
      if (rows) {
        for (int j = 0; j < count; j++) {
          out[channel + j] = maxPropagatingNaN(out[channel + j], Math.abs(in.getFloat((start + j) * Float.BYTES)));
        }
      } else {
        out[channel] = maxPropagatingNaN(out[channel], absMax(in, start, count));
      }
    });
  }

  private static double absMax(ByteBuffer in, int from, int len) {
    HostKernels kernels = HostKernels.get();
    return FloatLanes.scan(in, from, from + len, Double.NEGATIVE_INFINITY,
        (lanes, a, b, m) -> maxPropagatingNaN(m, kernels.absMax(lanes, a, b)));
  }

  private static double maxPropagatingNaN(double a, double b) {
    return (a != a || b != b) ? Double.NaN : Math.max(a, b);
  }
}
