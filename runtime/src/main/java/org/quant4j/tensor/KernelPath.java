package org.quant4j.tensor;

import java.util.Locale;

/**
 * Which implementation runs the fake-quantization kernels of {@link TensorQuant}. Every path gives the
 * same bits; the choice is about speed and about which memory a path can reach.
 *
 * <p>The process-wide choice starts from the system property {@code quant4j.kernel} ({@code auto},
 * {@code vector} or {@code nd4j_ops}; default {@code auto}) and can be changed with {@link #select}
 * (tests force each path and compare their bits on the golden vectors).
 */
public enum KernelPath {

  /**
   * Pick per call: the Vector API kernel for float32 arrays in host memory, the composed ND4J ops for
   * memory the JVM cannot address directly (a device backend).
   */
  AUTO,

  /**
   * The one-pass Java Vector API kernel over the array's host buffer ({@code jdk.incubator.vector}).
   * Arrays that are not contiguous in C order are copied to a contiguous buffer first; arrays not in
   * host memory fall back to {@link #ND4J_OPS}.
   */
  VECTOR,

  /**
   * Composed ND4J ops: multiply, {@code Rint}, compare-and-set clamping, divide. Runs wherever ND4J
   * runs, including device memory.
   */
  ND4J_OPS;

  /** The system property that sets the initial choice. */
  public static final String PROPERTY = "quant4j.kernel";

  private static volatile KernelPath selected = fromProperty(System.getProperty(PROPERTY));

  /**
   * The process-wide choice.
   *
   * @return the selected path
   */
  public static KernelPath selected() {
    return selected;
  }

  /**
   * Sets the process-wide choice.
   *
   * @param path the path every later call uses
   * @return the previous choice, so a caller can restore it
   * @throws IllegalArgumentException if {@code path} is null
   */
  public static KernelPath select(KernelPath path) {
    if (path == null) {
      throw new IllegalArgumentException("path must be one of " + java.util.Arrays.toString(values()) + ", got null");
    }
    KernelPath previous = selected;
    selected = path;
    return previous;
  }

  /**
   * Parses the value of {@link #PROPERTY}.
   *
   * @param value the property's value, or null for {@link #AUTO}
   * @return the path
   * @throws IllegalArgumentException for an unknown name
   */
  static KernelPath fromProperty(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          PROPERTY + " must be one of auto, vector, nd4j_ops, got '" + value + "'", e);
    }
  }
}
