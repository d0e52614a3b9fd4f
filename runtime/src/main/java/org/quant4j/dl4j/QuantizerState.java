package org.quant4j.dl4j;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * One quantizer's entry in a {@link QuantStateFile}: its stage flags, the descriptor it quantized with and its amax.
 * Each part may be absent: a file in the old agent format holds amax only, and a quantizer with dynamic amax has no
 * amax. Loading changes only what is present. Immutable; build one with {@link #of(TensorQuantizer)} or
 * {@link #builder()}.
 */
public final class QuantizerState {

  /**
   * The stage flags of a {@link TensorQuantizer}.
   *
   * @param enabled whether it does anything ({@link TensorQuantizer#isEnabled()})
   * @param quant whether the quant stage runs
   * @param calib whether the calibrator collects
   * @param clip whether the clip stage runs (only for a descriptor that learns amax)
   */
  public record Flags(boolean enabled, boolean quant, boolean calib, boolean clip) {
    /**
     * The flags a quantizer has now.
     *
     * @param q the quantizer
     * @return its flags
     */
    public static Flags of(TensorQuantizer q) {
      return new Flags(q.isEnabled(), q.isQuantEnabled(), q.isCalibEnabled(), q.isClipEnabled());
    }
  }

  /**
   * A float32 amax: the shape it broadcasts against its input with ({@code []} per tensor, e.g. {@code [1, 32]} per
   * output channel of a dense weight) and its values in C order, each finite and not negative.
   */
  public static final class Amax {
    private final long[] shape;
    private final float[] values;

    /**
     * Copies and checks an amax.
     *
     * @param shape the shape, every dimension at least 1
     * @param values the values in C order, as many as the shape holds
     * @throws IllegalArgumentException naming the shape or the first bad value
     */
    public Amax(long[] shape, float[] values) {
      this.shape = Objects.requireNonNull(shape, "shape").clone();
      this.values = Objects.requireNonNull(values, "values").clone();
      long count = 1;
      for (long s : this.shape) {
        if (s < 1) {
          throw new IllegalArgumentException("amax shape " + Arrays.toString(this.shape)
              + " has a dimension below 1");
        }
        count *= s;
      }
      if (count != this.values.length) {
        throw new IllegalArgumentException("amax shape " + Arrays.toString(this.shape) + " holds " + count
            + " values, got " + this.values.length);
      }
      for (int i = 0; i < this.values.length; i++) {
        float v = this.values[i];
        if (!Float.isFinite(v) || v < 0) {
          throw new IllegalArgumentException("amax[" + i + "] is " + v + "; amax must be finite and not negative");
        }
      }
    }

    /**
     * A quantizer's amax as the file keeps it.
     *
     * @param amax the amax array (any floating type; stored as float32)
     * @return its shape and float32 values in C order
     * @throws IllegalArgumentException if a value is not finite or is negative
     */
    public static Amax of(INDArray amax) {
      INDArray f = amax.castTo(DataType.FLOAT).dup('c');
      return new Amax(f.shape(), f.length() == 0 ? new float[0] : f.data().asFloat());
    }

    /**
     * The shape.
     *
     * @return a copy
     */
    public long[] shape() {
      return shape.clone();
    }

    /**
     * The values in C order.
     *
     * @return a copy
     */
    public float[] values() {
      return values.clone();
    }

    /**
     * The number of values.
     *
     * @return the product of the shape
     */
    public int size() {
      return values.length;
    }

    /**
     * The amax as the float32 array a quantizer takes.
     *
     * @return a scalar for shape {@code []}, otherwise an array of the shape
     */
    public INDArray toArray() {
      return shape.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values.clone(), shape.clone(), 'c');
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Amax a) || !Arrays.equals(shape, a.shape) || values.length != a.values.length) {
        return false;
      }
      for (int i = 0; i < values.length; i++) {
        if (Float.floatToRawIntBits(values[i]) != Float.floatToRawIntBits(a.values[i])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Amax" + Arrays.toString(shape) + Arrays.toString(values);
    }
  }

  private final Flags flags;
  private final QuantDescriptor descriptor;
  private final Amax amax;

  private QuantizerState(Builder b) {
    this.flags = b.flags;
    this.descriptor = b.descriptor;
    this.amax = b.amax;
  }

  /**
   * Everything a quantizer holds now: flags, descriptor and amax (absent when dynamic).
   *
   * @param q the quantizer
   * @return its state
   * @throws IllegalArgumentException if its amax is not finite or is negative (such a state could not be read back)
   */
  public static QuantizerState of(TensorQuantizer q) {
    INDArray a = q.amax();
    return builder().flags(Flags.of(q)).descriptor(q.descriptor()).amax(a == null ? null : Amax.of(a)).build();
  }

  /**
   * A builder with every part absent.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this state's parts.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return builder().flags(flags).descriptor(descriptor).amax(amax);
  }

  /**
   * The stage flags.
   *
   * @return the flags, or empty when the file did not record them (the old agent format)
   */
  public Optional<Flags> flags() {
    return Optional.ofNullable(flags);
  }

  /**
   * The descriptor the quantizer quantized with.
   *
   * @return the descriptor, or empty when the file did not record it (the old formats)
   */
  public Optional<QuantDescriptor> descriptor() {
    return Optional.ofNullable(descriptor);
  }

  /**
   * The amax.
   *
   * @return the amax, or empty for a quantizer with dynamic amax
   */
  public Optional<Amax> amax() {
    return Optional.ofNullable(amax);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantizerState s && Objects.equals(flags, s.flags)
        && Objects.equals(descriptor, s.descriptor) && Objects.equals(amax, s.amax);
  }

  @Override
  public int hashCode() {
    return Objects.hash(flags, descriptor, amax);
  }

  @Override
  public String toString() {
    return "QuantizerState(" + flags + ", " + descriptor + ", " + amax + ")";
  }

  /** Builds a {@link QuantizerState}; every part starts absent. */
  public static final class Builder {
    private Flags flags;
    private QuantDescriptor descriptor;
    private Amax amax;

    private Builder() {}

    /**
     * Sets the flags.
     *
     * @param flags the flags, or null for none
     * @return this builder
     */
    public Builder flags(Flags flags) {
      this.flags = flags;
      return this;
    }

    /**
     * Sets the descriptor.
     *
     * @param descriptor the descriptor, or null for none
     * @return this builder
     */
    public Builder descriptor(QuantDescriptor descriptor) {
      this.descriptor = descriptor;
      return this;
    }

    /**
     * Sets the amax.
     *
     * @param amax the amax, or null for dynamic amax
     * @return this builder
     */
    public Builder amax(Amax amax) {
      this.amax = amax;
      return this;
    }

    /**
     * The state.
     *
     * @return a new immutable state
     */
    public QuantizerState build() {
      return new QuantizerState(this);
    }
  }
}
