package org.quant4j.tensor;

import java.util.Arrays;

/**
 * How a small per-channel tensor (an amax, a scale, a reduced amax) broadcasts against a tensor x,
 * with both read in C order, following numpy/torch broadcasting: the channel shape is padded with
 * leading 1s to x's rank and each of its dims is 1 or x's dim.
 *
 * <p>x is visited as a sequence of <em>runs</em> of consecutive elements, so that kernels work on
 * contiguous memory: with a per-tensor channel shape there is one run over everything; when the
 * channel varies only in dims before the last, each run is a block of {@code runLength} elements
 * sharing one channel; when it varies along the last dim, each run is a row whose element {@code j}
 * uses channel {@code runChannel(run) + j}.
 */
final class ChannelLayout {

  /** How the channel index moves inside a run. */
  enum Mode {
    /** One channel for everything. */
    PER_TENSOR,
    /** One channel per run. */
    BLOCKS,
    /** Consecutive channels along a run (the last dim is per channel). */
    ROWS
  }

  private final long[] shape;
  private final long[] channelShape;
  private final long length;
  private final int channels;
  private final Mode mode;
  private final long runLength;
  private final int runDims;
  private final long[] channelStrides;

  private ChannelLayout(long[] shape, long[] channelShape) {
    this.shape = shape;
    this.channelShape = channelShape;
    int rank = shape.length;
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    this.length = n;
    long c = 1;
    for (long d : channelShape) {
      c *= d;
    }
    this.channels = (int) c;
    this.channelStrides = new long[rank];
    long stride = 1;
    int last = -1;
    for (int d = rank - 1; d >= 0; d--) {
      if (channelShape[d] != 1) {
        channelStrides[d] = stride;
        if (last < 0) {
          last = d;
        }
      }
      stride *= channelShape[d];
    }
    if (last < 0 || n == 0) {
      mode = Mode.PER_TENSOR;
      runLength = n;
      runDims = 0;
    } else if (last == rank - 1) {
      mode = Mode.ROWS;
      runLength = shape[rank - 1];
      runDims = rank - 1;
    } else {
      mode = Mode.BLOCKS;
      long inner = 1;
      for (int d = last + 1; d < rank; d++) {
        inner *= shape[d];
      }
      runLength = inner;
      runDims = last + 1;
    }
  }

  /**
   * The layout of a channel shape against x's shape.
   *
   * @param argument the name of the channel tensor's argument, for the error message
   * @param shape x's shape
   * @param channelShape the channel tensor's shape
   * @return the layout
   * @throws IllegalArgumentException if the channel shape does not broadcast to exactly x's shape
   */
  static ChannelLayout of(String argument, long[] shape, long[] channelShape) {
    int rank = shape.length;
    if (channelShape.length > rank) {
      throw notBroadcastable(argument, shape, channelShape);
    }
    long[] padded = new long[rank];
    Arrays.fill(padded, 1);
    System.arraycopy(channelShape, 0, padded, rank - channelShape.length, channelShape.length);
    long channels = 1;
    for (int d = 0; d < rank; d++) {
      if (padded[d] != 1 && padded[d] != shape[d]) {
        throw notBroadcastable(argument, shape, channelShape);
      }
      channels *= padded[d];
    }
    if (channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(argument + " must have at most " + Integer.MAX_VALUE
          + " elements, got shape " + Arrays.toString(channelShape));
    }
    return new ChannelLayout(shape.clone(), padded);
  }

  private static IllegalArgumentException notBroadcastable(String argument, long[] shape, long[] channelShape) {
    return new IllegalArgumentException(argument + " shape " + Arrays.toString(channelShape)
        + " must broadcast against x shape " + Arrays.toString(shape)
        + " (each trailing dim 1 or equal, rank at most x's), got " + Arrays.toString(channelShape));
  }

  /** @return x's shape (a copy) */
  long[] shape() {
    return shape.clone();
  }

  /** @return the channel shape padded to x's rank (a copy) */
  long[] channelShape() {
    return channelShape.clone();
  }

  /** @return the number of elements of x */
  long length() {
    return length;
  }

  /** @return the number of elements of a run (the last dim in {@link Mode#ROWS}) */
  long runLength() {
    return runLength;
  }

  /** @return the number of channels (elements of the channel tensor) */
  int channels() {
    return channels;
  }

  /** @return how the channel moves inside a run */
  Mode mode() {
    return mode;
  }

  /** @return 1 when consecutive elements of a run use consecutive channels, else 0 */
  int channelStep() {
    return mode == Mode.ROWS ? 1 : 0;
  }

  /**
   * Visits the runs that overlap the elements {@code [from, to)} (C order), in order, each clipped to the
   * range: the kernels' way through x, one call per run.
   *
   * @param from the first element
   * @param to one past the last element
   * @param visitor called with each piece
   */
  void forEachRun(long from, long to, RunVisitor visitor) {
    if (from >= to) {
      return;
    }
    long run = from / runLength;
    long pos = from;
    int step = channelStep();
    while (pos < to) {
      long runStart = run * runLength;
      long runEnd = Math.min(runStart + runLength, to);
      visitor.visit((int) pos, (int) (runEnd - pos), runChannel(run) + step * (int) (pos - runStart));
      pos = runEnd;
      run++;
    }
  }

  /**
   * Visits every element of x (C order) with its channel.
   *
   * @param visitor called with each element's index and channel
   */
  void forEachElement(ElementVisitor visitor) {
    int step = channelStep();
    forEachRun(0, length, (start, count, channel) -> {
      for (int j = 0; j < count; j++) {
        visitor.visit(start + j, channel + step * j);
      }
    });
  }

  /** A piece of a run: {@code count} elements from {@code start}, the first of them in {@code channel}. */
  @FunctionalInterface
  interface RunVisitor {
    /**
     * @param start the first element (C order)
     * @param count how many elements
     * @param channel the first element's channel; in {@link Mode#ROWS} element {@code start + j} is in
     *     {@code channel + j}, otherwise all are in {@code channel}
     */
    void visit(int start, int count, int channel);
  }

  /** One element and its channel. */
  @FunctionalInterface
  interface ElementVisitor {
    /**
     * @param index the element (C order)
     * @param channel its channel
     */
    void visit(int index, int channel);
  }

  /**
   * The channel of a run's first element.
   *
   * @param run the run index, 0 to {@code length / runLength - 1}
   * @return the channel index
   */
  private int runChannel(long run) {
    long c = 0;
    long rest = run;
    for (int d = runDims - 1; d >= 0 && rest > 0; d--) {
      long size = shape[d];
      c += (rest % size) * channelStrides[d];
      rest /= size;
    }
    return (int) c;
  }
}
