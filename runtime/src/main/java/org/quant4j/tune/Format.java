package org.quant4j.tune;

import java.util.List;
import java.util.Locale;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;

/**
 * A candidate precision for one layer in {@link MixedPrecisionSearch}: the spec laid over its weight quantizers
 * and the one laid over its input (and residual) quantizers, each null for float. The built-in formats are
 * {@link #FLOAT}, {@link #W8A8}, {@link #W4A8}, {@link #W4A4} and {@link #FP8}; {@link #of(String, QuantConfig)}
 * takes the user's own from a QuantConfig fragment.
 *
 * @param name the format's name in configs, tables and on the command line
 * @param weight the spec for weight quantizers, or null to leave weights in float
 * @param input the spec for input and residual quantizers, or null to leave activations in float
 */
public record Format(String name, QuantSpec weight, QuantSpec input) {

  /** No quantization: weights and activations in float (32 bits). */
  public static final Format FLOAT = new Format("float", null, null);
  /** 8-bit weights (per output channel) and 8-bit activations. */
  public static final Format W8A8 = new Format("w8a8", QuantSpec.numBits(8), QuantSpec.numBits(8));
  /** 4-bit weights (per output channel) and 8-bit activations. */
  public static final Format W4A8 = new Format("w4a8", QuantSpec.numBits(4), QuantSpec.numBits(8));
  /** 4-bit weights (per output channel) and 4-bit activations. */
  public static final Format W4A4 = new Format("w4a4", QuantSpec.numBits(4), QuantSpec.numBits(4));
  /** FP8 E4M3 weights and activations, per tensor. */
  public static final Format FP8 = new Format("fp8", QuantSpec.e4m3(), QuantSpec.e4m3());

  /** The built-in formats, by name. */
  public static final List<Format> BUILT_IN = List.of(FLOAT, W8A8, W4A8, W4A4, FP8);

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException for an empty name or one with characters other than letters, digits, '_'
   *     and '-'
   */
  public Format {
    if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("format name must be letters, digits, '_' or '-', got " + name);
    }
    weight = quantized(weight) ? weight : null;
    input = quantized(input) ? input : null;
  }

  /**
   * A built-in format by name: {@code float}, {@code w8a8}, {@code w4a8}, {@code w4a4}, {@code fp8} (also
   * {@code e4m3}).
   *
   * @param name the name, any case
   * @return the format
   * @throws IllegalArgumentException naming the known formats
   */
  public static Format named(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (Format f : BUILT_IN) {
      if (f.name.equals(n)) {
        return f;
      }
    }
    if (n.equals("e4m3")) {
      return FP8;
    }
    throw new IllegalArgumentException("unknown format \"" + name + "\"; expected float, w8a8, w4a8, w4a4, fp8"
        + " or name=FILE (a QuantConfig fragment giving input and weight)");
  }

  /**
   * A format from a QuantConfig fragment: its {@code weight} and {@code input} specs ({@code enable: false}
   * leaves that role in float).
   *
   * @param name the format's name
   * @param fragment e.g. {@code QuantConfig.parse("weight: {num_bits: 6}\ninput: {num_bits: 8}")}
   * @return the format
   */
  public static Format of(String name, QuantConfig fragment) {
    return new Format(name, fragment.weight(), fragment.input());
  }

  /**
   * The bits one weight element costs: 32 in float, 8 in FP8, else the spec's {@code num_bits} (8 when
   * unset).
   *
   * @return the weight bits
   */
  public int weightBits() {
    return bits(weight);
  }

  /**
   * The bits one activation element costs, as {@link #weightBits()}.
   *
   * @return the activation bits
   */
  public int activationBits() {
    return bits(input);
  }

  private static boolean quantized(QuantSpec spec) {
    return spec != null && !Boolean.FALSE.equals(spec.enable());
  }

  private static int bits(QuantSpec spec) {
    if (spec == null) {
      return 32;
    }
    if (spec.isE4M3()) {
      return 8;
    }
    return spec.numBits() != null ? spec.numBits() : 8;
  }

  @Override
  public String toString() {
    return name;
  }
}
