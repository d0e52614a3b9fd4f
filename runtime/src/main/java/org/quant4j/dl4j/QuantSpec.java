package org.quant4j.dl4j;

import java.util.Arrays;
import java.util.Objects;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantFormat;

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
    if (numBits != null && (numBits < 1 || numBits > 16)) {
      throw new IllegalArgumentException("num_bits must be in [1, 16], got " + numBits);
    }
    amax = amax == null ? null : amax.clone();
  }

  /**
   * A spec on the integer grid (no format set), for callers that predate the FP8 format.
   *
   * @param numBits the bit width, or null
   * @param unsigned whether the grid is unsigned, or null
   * @param narrowRange whether a signed grid is symmetric, or null
   * @param calibMethod "max" or "histogram", or null
   * @param perChannel whether a weight's amax is per output channel, or null
   * @param amax a fixed amax, or null
   * @param learnAmax whether amax is learned, or null
   * @param scaleAmax a factor applied to amax, or null
   * @param enable false to create the quantizer disabled, or null
   */
  public QuantSpec(Integer numBits, Boolean unsigned, Boolean narrowRange, String calibMethod, Boolean perChannel,
      float[] amax, Boolean learnAmax, Float scaleAmax, Boolean enable) {
    this(numBits, unsigned, narrowRange, calibMethod, perChannel, amax, learnAmax, scaleAmax, enable, null);
  }

  @Override
  public float[] amax() {
    return amax == null ? null : amax.clone();
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
}
