package org.quant4j.tensor;

/**
 * The number format a {@link QuantDescriptor} quantizes to.
 *
 * <p>{@link #INT} is the linear integer grid of {@link QuantGrid} (the reference's
 * {@code num_bits=N}); {@link #E4M3} is the OCP FP8 E4M3 "fn" grid of {@link E4M3} after scaling by
 * {@code 448 / amax} (the reference's {@code num_bits=(4, 3)}, {@code scaled_e4m3}).
 */
public enum QuantFormat {

  /** A linear integer grid of {@code numBits} bits, signed or unsigned. */
  INT,

  /**
   * The 8-bit float E4M3 (4 exponent bits, 3 mantissa bits, max 448, no infinities), per tensor,
   * fake quantization only.
   */
  E4M3
}
