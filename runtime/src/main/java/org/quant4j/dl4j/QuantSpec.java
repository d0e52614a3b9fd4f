package org.quant4j.dl4j;

import java.util.Arrays;
import java.util.Objects;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantFormat;
import org.quant4j.tensor.QuantGrid;

/**
 * A partial quantizer description used by {@link QuantConfig} overrides: every field is optional, and
 * only the fields that are set change the descriptor they are laid over.
 *
 * <p>The file keys (YAML or JSON) are the reference descriptor's keyword names: {@code num_bits},
 * {@code unsigned}, {@code narrow_range}, {@code calib_method}, {@code amax}, {@code learn_amax},
 * {@code scale_amax}, plus {@code per_channel} (weights: amax per output channel, on the layer map's
 * axes) and {@code enable} ({@code false} creates the quantizer disabled). {@code num_bits: [4, 3]} asks
 * for FP8 E4M3 ({@link QuantFormat#E4M3}), as the reference's {@code num_bits=(4, 3)}; an E4M3 weight
 * is per tensor unless {@code per_channel: true} is set, which the descriptor then rejects.
 *
 * <p>In code, build one with {@link #builder()}: {@code QuantSpec.builder().numBits(4).perChannel(true).build()}.
 *
 * @param numBits the bit width, or null
 * @param unsigned whether the grid is unsigned, or null
 * @param narrowRange whether a signed grid is symmetric, or null
 * @param calibMethod "max" or "histogram", or null
 * @param perChannel whether a weight's amax is per output channel, or null
 * @param amax a fixed amax (one value, or one per channel), or null
 * @param learnAmax whether amax is learned (per-tensor only), or null
 * @param scaleAmax a factor applied to amax, or null
 * @param enable false to create the quantizer disabled, or null
 * @param format {@link QuantFormat#E4M3} for FP8 (then numBits is null), or null for the integer grid
 */
public record QuantSpec(
    Integer numBits,
    Boolean unsigned,
    Boolean narrowRange,
    String calibMethod,
    Boolean perChannel,
    float[] amax,
    Boolean learnAmax,
    Float scaleAmax,
    Boolean enable,
    QuantFormat format) {

  /** The spec that changes nothing. */
  public static final QuantSpec EMPTY = new QuantSpec(null, null, null, null, null, null, null, null, null, null);

  /**
   * Checks the values that are set.
   *
   * @throws IllegalArgumentException for a bad calib_method or num_bits
   */
  public QuantSpec {
    if (calibMethod != null && !calibMethod.equals("max") && !calibMethod.equals("histogram")) {
      throw new IllegalArgumentException(
          "calib_method must be \"max\" or \"histogram\", got \"" + calibMethod + "\"");
    }
    if (numBits != null) {
      QuantGrid.requireNumBits(numBits, 1, "num_bits");
    }
    amax = amax == null ? null : amax.clone();
  }

  @Override
  public float[] amax() {
    return amax == null ? null : amax.clone();
  }

  /**
   * A builder with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A spec with only {@code enable} set.
   *
   * @param enable whether the quantizer is enabled
   * @return the spec
   */
  public static QuantSpec enable(boolean enable) {
    return new QuantSpec(null, null, null, null, null, null, null, null, enable, null);
  }

  /**
   * A spec with only {@code num_bits} set.
   *
   * @param numBits the bit width
   * @return the spec
   */
  public static QuantSpec numBits(int numBits) {
    return new QuantSpec(numBits, null, null, null, null, null, null, null, null, null);
  }

  /**
   * A spec with only the FP8 E4M3 format set ({@code num_bits: [4, 3]}).
   *
   * @return the spec
   */
  public static QuantSpec e4m3() {
    return new QuantSpec(null, null, null, null, null, null, null, null, null, QuantFormat.E4M3);
  }

  /**
   * Whether this spec asks for FP8 E4M3.
   *
   * @return true when the format is {@link QuantFormat#E4M3}
   */
  public boolean isE4M3() {
    return format == QuantFormat.E4M3;
  }

  /**
   * This spec with the fields set in {@code over} replacing its own.
   *
   * @param over the spec that wins
   * @return the merged spec
   */
  public QuantSpec overlay(QuantSpec over) {
    // num_bits and the format are one setting: an override of either replaces both.
    boolean overBits = over.numBits != null || over.format != null;
    return new QuantSpec(
        overBits ? over.numBits : numBits,
        pick(over.unsigned, unsigned),
        pick(over.narrowRange, narrowRange),
        pick(over.calibMethod, calibMethod),
        pick(over.perChannel, perChannel),
        over.amax != null ? over.amax : amax,
        pick(over.learnAmax, learnAmax),
        pick(over.scaleAmax, scaleAmax),
        pick(over.enable, enable),
        overBits ? over.format : format);
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }

  /**
   * Lays the set fields over a descriptor builder (all but {@code per_channel} and {@code enable},
   * which the caller resolves).
   *
   * @param builder the builder to change
   * @return the same builder
   */
  QuantDescriptor.Builder applyTo(QuantDescriptor.Builder builder) {
    if (numBits != null) {
      builder.numBits(numBits);
    }
    if (format != null) {
      builder.format(format);
    }
    if (unsigned != null) {
      builder.unsigned(unsigned);
    }
    if (narrowRange != null) {
      builder.narrowRange(narrowRange);
    }
    if (calibMethod != null) {
      builder.calibMethod(calibMethod);
    }
    if (amax != null) {
      if (amax.length == 1) {
        builder.amax(amax[0]);
      } else {
        builder.amax(amax);
      }
    }
    if (learnAmax != null) {
      builder.learnAmax(learnAmax);
    }
    if (scaleAmax != null) {
      builder.scaleAmax(scaleAmax);
    }
    return builder;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuantSpec s
        && Objects.equals(numBits, s.numBits)
        && Objects.equals(unsigned, s.unsigned)
        && Objects.equals(narrowRange, s.narrowRange)
        && Objects.equals(calibMethod, s.calibMethod)
        && Objects.equals(perChannel, s.perChannel)
        && Arrays.equals(amax, s.amax)
        && Objects.equals(learnAmax, s.learnAmax)
        && Objects.equals(scaleAmax, s.scaleAmax)
        && Objects.equals(enable, s.enable)
        && format == s.format;
  }

  @Override
  public int hashCode() {
    return Objects.hash(numBits, unsigned, narrowRange, calibMethod, perChannel, Arrays.hashCode(amax),
        learnAmax, scaleAmax, enable, format);
  }

  @Override
  public String toString() {
    return "QuantSpec[numBits=" + numBits + ", unsigned=" + unsigned + ", narrowRange=" + narrowRange
        + ", calibMethod=" + calibMethod + ", perChannel=" + perChannel + ", amax="
        + Arrays.toString(amax) + ", learnAmax=" + learnAmax + ", scaleAmax=" + scaleAmax
        + ", enable=" + enable + ", format=" + format + "]";
  }

  /** Sets the fields of a {@link QuantSpec} one by one; a field not set stays unset (null). */
  public static final class Builder {
    private Integer numBits;
    private Boolean unsigned;
    private Boolean narrowRange;
    private String calibMethod;
    private Boolean perChannel;
    private float[] amax;
    private Boolean learnAmax;
    private Float scaleAmax;
    private Boolean enable;
    private QuantFormat format;

    private Builder() {}

    /**
     * The bit width of the integer grid.
     *
     * @param bits 1 to 16
     * @return this builder
     */
    public Builder numBits(int bits) {
      this.numBits = bits;
      this.format = null;
      return this;
    }

    /**
     * FP8 E4M3 instead of an integer grid ({@code num_bits: [4, 3]}).
     *
     * @return this builder
     */
    public Builder e4m3() {
      this.numBits = null;
      this.format = QuantFormat.E4M3;
      return this;
    }

    /**
     * Whether the grid is unsigned.
     *
     * @param value the flag
     * @return this builder
     */
    public Builder unsigned(boolean value) {
      this.unsigned = value;
      return this;
    }

    /**
     * Whether a signed grid is symmetric.
     *
     * @param value the flag
     * @return this builder
     */
    public Builder narrowRange(boolean value) {
      this.narrowRange = value;
      return this;
    }

    /**
     * The calibrator.
     *
     * @param method {@code "max"} or {@code "histogram"}
     * @return this builder
     */
    public Builder calibMethod(String method) {
      this.calibMethod = method;
      return this;
    }

    /**
     * Whether a weight's amax is per output channel.
     *
     * @param value the flag
     * @return this builder
     */
    public Builder perChannel(boolean value) {
      this.perChannel = value;
      return this;
    }

    /**
     * A fixed amax.
     *
     * @param values one value, or one per channel
     * @return this builder
     */
    public Builder amax(float... values) {
      this.amax = values.clone();
      return this;
    }

    /**
     * Whether amax is learned (per tensor only).
     *
     * @param value the flag
     * @return this builder
     */
    public Builder learnAmax(boolean value) {
      this.learnAmax = value;
      return this;
    }

    /**
     * A factor applied to amax.
     *
     * @param factor the factor
     * @return this builder
     */
    public Builder scaleAmax(float factor) {
      this.scaleAmax = factor;
      return this;
    }

    /**
     * Whether the quantizer is created enabled.
     *
     * @param value false to create it disabled
     * @return this builder
     */
    public Builder enable(boolean value) {
      this.enable = value;
      return this;
    }

    /**
     * The spec.
     *
     * @return a new spec with the fields set so far
     * @throws IllegalArgumentException for a bad calib_method or num_bits
     */
    public QuantSpec build() {
      return new QuantSpec(numBits, unsigned, narrowRange, calibMethod, perChannel, amax, learnAmax, scaleAmax,
          enable, format);
    }
  }
}
