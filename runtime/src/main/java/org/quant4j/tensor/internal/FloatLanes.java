package org.quant4j.tensor.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Locale;

/**
 * How the host kernels ({@link HostKernels}) read and write the float32 elements of a native-order
 * {@link ByteBuffer} over host memory, on every JDK the project supports, with or without the Vector API.
 *
 * <p>JDK 17's {@code jdk.incubator.vector} loads and stores vectors straight from and to a byte buffer
 * ({@code FloatVector.fromByteBuffer} / {@code intoByteBuffer}); JDK 22 and later removed those methods
 * in favour of {@code MemorySegment} ones, which JDK 17 lacks. The choice is made once, when this class
 * initialises, and is a {@code static final} constant, so the JIT keeps only the branch in use:
 * <ul>
 *   <li><b>buffer</b> access (where the Vector API is in the boot layer and has {@code fromByteBuffer}):
 *       a kernel body sees the whole range at once and its lanes are the buffer itself;
 *   <li><b>array</b> access (the portable way, and the only one of the scalar kernels): the range is cut
 *       into windows of {@link #chunk()} floats; each window of an input is bulk-copied into a per-thread
 *       {@code float[]} scratch, the body runs on it, and an output window is bulk-copied back. No
 *       scratch is allocated per call.
 * </ul>
 * Every kernel is written once against absolute element indices ({@link #get}, {@link #put}, and the
 * vector loads of {@code VectorKernels}), so both ways give the same bits: every kernel is element-wise,
 * or a reduction (max, min, counts, flags) whose result does not depend on where the windows cut. This
 * class names no incubator type, so it links on a JVM without {@code jdk.incubator.vector}.
 *
 * <p>The system property {@value #PROPERTY} forces a way: {@code auto} (the default), {@code buffer} or
 * {@code array}; {@value #CHUNK_PROPERTY} sets the window size in floats (default 2048, rounded up to
 * a multiple of 64 so windows hold whole vectors). Tests use both to run the array way on JDK 17 with
 * windows small enough for the golden vectors to cross their borders.
 *
 * <p>An instance is one operand's window, valid only inside the body it is passed to.
 */
public final class FloatLanes {

  /** The system property choosing the lane access: {@code auto}, {@code buffer} or {@code array}. */
  public static final String PROPERTY = "quant4j.vector.lanes";

  /** The system property setting the array-access window size in floats. */
  public static final String CHUNK_PROPERTY = "quant4j.vector.chunk";

  static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final int CHUNK_MULTIPLE = 64;
  static final boolean BUFFER_ACCESS = bufferAccess(System.getProperty(PROPERTY));
  private static final int CHUNK = chunk(Integer.getInteger(CHUNK_PROPERTY, 2048));
  /** Up to three operands per body (two inputs and an output), per thread. */
  private static final ThreadLocal<FloatLanes[]> SCRATCH = ThreadLocal.withInitial(
      () -> new FloatLanes[] {new FloatLanes(), new FloatLanes(), new FloatLanes()});

  final float[] array;
  ByteBuffer buffer;
  /** The buffer as floats from its byte 0 (array windows and {@link #copyTo} read through it). */
  private FloatBuffer floats;
  int base;
  private boolean busy;

  private FloatLanes() {
    this.array = BUFFER_ACCESS ? null : new float[CHUNK];
  }

  /**
   * A kernel body over one input and one output.
   */
  @FunctionalInterface
  public interface UnaryBody {
    /**
     * Computes the elements {@code [from, to)} of out from in.
     *
     * @param in the input's lanes
     * @param out the output's lanes; every element of {@code [from, to)} must be written
     * @param from the first element (absolute index)
     * @param to one past the last
     */
    void run(FloatLanes in, FloatLanes out, int from, int to);
  }

  /**
   * A kernel body over two inputs and one output.
   */
  @FunctionalInterface
  public interface BinaryBody {
    /**
     * Computes the elements {@code [from, to)} of out from a and b.
     *
     * @param a the first input's lanes
     * @param b the second input's lanes
     * @param out the output's lanes; every element of {@code [from, to)} must be written
     * @param from the first element (absolute index)
     * @param to one past the last
     */
    void run(FloatLanes a, FloatLanes b, FloatLanes out, int from, int to);
  }

  /**
   * A reduction body over one input.
   *
   * @param <R> the accumulated result
   */
  @FunctionalInterface
  public interface ScanBody<R> {
    /**
     * Folds the elements {@code [from, to)} into the result so far.
     *
     * @param in the input's lanes
     * @param from the first element (absolute index)
     * @param to one past the last
     * @param acc the result of the elements before {@code from}
     * @return the result including {@code [from, to)}
     */
    R run(FloatLanes in, int from, int to, R acc);
  }

  /**
   * Whether lanes are loaded and stored straight from the byte buffers (JDK 17's methods) rather than
   * through per-thread array windows.
   *
   * @return true for buffer access
   */
  public static boolean isBufferAccess() {
    return BUFFER_ACCESS;
  }

  /**
   * The array-access window size.
   *
   * @return floats per window, a multiple of 64
   */
  public static int chunk() {
    return CHUNK;
  }

  /**
   * Runs a body over the elements {@code [from, to)}.
   *
   * @param in native-order float32 input
   * @param out native-order float32 output, the same size; may be {@code in}
   * @param from the first element
   * @param to one past the last
   * @param body the kernel
   */
  public static void map(ByteBuffer in, ByteBuffer out, int from, int to, UnaryBody body) {
    FloatLanes[] scratch = SCRATCH.get();
    FloatLanes i = acquire(scratch, 0, in);
    FloatLanes o = acquire(scratch, 1, out);
    try {
      if (BUFFER_ACCESS) {
        body.run(i, o, from, to);
        return;
      }
      for (int start = from; start < to; ) {
        int end = Math.min(to, start + CHUNK);
        i.fill(start, end);
        o.base = start;
        body.run(i, o, start, end);
        o.flush(start, end);
        start = end;
      }
    } finally {
      i.release();
      o.release();
    }
  }

  /**
   * Runs a body over the elements {@code [from, to)} of two inputs.
   *
   * @param a native-order float32 first input
   * @param b native-order float32 second input, the same size
   * @param out native-order float32 output, the same size; may be one of the inputs
   * @param from the first element
   * @param to one past the last
   * @param body the kernel
   */
  public static void map(ByteBuffer a, ByteBuffer b, ByteBuffer out, int from, int to, BinaryBody body) {
    FloatLanes[] scratch = SCRATCH.get();
    FloatLanes la = acquire(scratch, 0, a);
    FloatLanes lb = acquire(scratch, 1, b);
    FloatLanes o = acquire(scratch, 2, out);
    try {
      if (BUFFER_ACCESS) {
        body.run(la, lb, o, from, to);
        return;
      }
      for (int start = from; start < to; ) {
        int end = Math.min(to, start + CHUNK);
        la.fill(start, end);
        lb.fill(start, end);
        o.base = start;
        body.run(la, lb, o, start, end);
        o.flush(start, end);
        start = end;
      }
    } finally {
      la.release();
      lb.release();
      o.release();
    }
  }

  /**
   * Folds a body over the elements {@code [from, to)}, window after window in order.
   *
   * @param in native-order float32 input
   * @param from the first element
   * @param to one past the last
   * @param initial the result of no elements
   * @param body the reduction
   * @param <R> the result
   * @return the result over {@code [from, to)}
   */
  public static <R> R scan(ByteBuffer in, int from, int to, R initial, ScanBody<R> body) {
    FloatLanes i = acquire(SCRATCH.get(), 0, in);
    try {
      if (BUFFER_ACCESS) {
        return body.run(i, from, to, initial);
      }
      R acc = initial;
      for (int start = from; start < to; ) {
        int end = Math.min(to, start + CHUNK);
        i.fill(start, end);
        acc = body.run(i, start, end, acc);
        start = end;
      }
      return acc;
    } finally {
      i.release();
    }
  }

  /**
   * One element.
   *
   * @param index the element (absolute), inside the body's range
   * @return its value
   */
  public float get(int index) {
    return BUFFER_ACCESS ? buffer.getFloat(index * Float.BYTES) : array[index - base];
  }

  /**
   * Writes one element.
   *
   * @param index the element (absolute), inside the body's range
   * @param value its new value
   */
  public void put(int index, float value) {
    if (BUFFER_ACCESS) {
      buffer.putFloat(index * Float.BYTES, value);
    } else {
      array[index - base] = value;
    }
  }

  /**
   * Copies elements into an array: a bulk copy, for kernels that load their vectors from a {@code float[]}.
   *
   * @param from the first element (absolute), inside the body's range
   * @param dst receives the elements {@code [from, from + len)} at {@code [0, len)}
   * @param len how many, with {@code from + len} inside the body's range
   */
  public void copyTo(int from, float[] dst, int len) {
    if (BUFFER_ACCESS) {
      floats.get(from, dst, 0, len);
    } else {
      System.arraycopy(array, from - base, dst, 0, len);
    }
  }

  /** This thread's scratch slot, or a fresh one when a body runs inside another body on this thread. */
  private static FloatLanes acquire(FloatLanes[] scratch, int slot, ByteBuffer buffer) {
    FloatLanes lanes = scratch[slot].busy ? new FloatLanes() : scratch[slot];
    lanes.busy = true;
    lanes.buffer = buffer;
    // the kernels index from byte 0, whatever the buffer's position
    lanes.floats = buffer.duplicate().clear().order(ORDER).asFloatBuffer();
    return lanes;
  }

  private void release() {
    buffer = null;
    floats = null;
    busy = false;
  }

  private void fill(int from, int to) {
    base = from;
    floats.get(from, array, 0, to - from);
  }

  private void flush(int from, int to) {
    floats.put(from, array, 0, to - from);
  }

  /**
   * Parses {@value #PROPERTY}; {@code auto} picks buffer access where this JDK's
   * {@code jdk.incubator.vector} still has {@code FloatVector.fromByteBuffer} and {@code intoByteBuffer}.
   */
  public static boolean bufferAccess(String value) {
    boolean available = hasByteBufferMethods();
    String v = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "auto":
        return available;
      case "array":
        return false;
      case "buffer":
        if (!available) {
          throw new IllegalArgumentException(PROPERTY + "=buffer needs FloatVector.fromByteBuffer, which Java "
              + Runtime.version().feature() + " lacks; expected auto or array");
        }
        return true;
      default:
        throw new IllegalArgumentException(PROPERTY + " must be one of auto, buffer, array, got '" + value + "'");
    }
  }

  /** Whether the boot layer's Vector API has JDK 17's byte-buffer methods; looked up by name, never linked. */
  private static boolean hasByteBufferMethods() {
    if (!HostKernels.vectorModulePresent()) {
      return false;
    }
    try {
      Class<?> vector = Class.forName("jdk.incubator.vector.FloatVector");
      Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
      vector.getMethod("fromByteBuffer", species, ByteBuffer.class, int.class, ByteOrder.class);
      vector.getMethod("intoByteBuffer", ByteBuffer.class, int.class, ByteOrder.class);
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  private static int chunk(int floats) {
    if (floats < 1) {
      throw new IllegalArgumentException(CHUNK_PROPERTY + " must be a positive number of floats, got " + floats);
    }
    return (floats + CHUNK_MULTIPLE - 1) / CHUNK_MULTIPLE * CHUNK_MULTIPLE;
  }
}
