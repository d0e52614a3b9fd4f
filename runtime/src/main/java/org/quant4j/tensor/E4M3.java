package org.quant4j.tensor;

/**
 * The OCP 8-bit floating point format E4M3 in its "fn" variant (finite, one NaN pattern): 1 sign bit,
 * 4 exponent bits with bias 7, 3 mantissa bits; no infinities; {@code S.1111.111} is NaN, so the
 * largest finite magnitude is {@code 1.75 * 2^8 = 448}. Normal values are {@code 1.m * 2^(e-7)} for
 * {@code e} in [1, 15]; subnormals are {@code m/8 * 2^-6}, down to {@code 2^-9}.
 *
 * <p>Rounding follows the NVIDIA conversion with saturation to finite ({@code __NV_SATFINITE}): round to
 * nearest, ties to even, onto the E4M3 grid (subnormals included), then clamp to ±448; infinities
 * saturate to ±448 and NaN stays NaN. Reference: "OCP 8-bit Floating Point Specification (OFP8)",
 * revision 1.0, 2023, and Micikevicius et al., "FP8 Formats for Deep Learning", arXiv:2209.05433.
 */
public final class E4M3 {

  /** The largest finite E4M3 magnitude. */
  public static final float MAX = 448f;

  /** The smallest positive normal E4M3 value, {@code 2^-6}. */
  public static final float MIN_NORMAL = 0x1p-6f;

  /** The smallest positive subnormal E4M3 value, {@code 2^-9}. */
  public static final float MIN_SUBNORMAL = 0x1p-9f;

  /** The one NaN bit pattern with a clear sign bit. */
  public static final int NAN_BITS = 0x7f;

  private E4M3() {}

  /**
   * Decodes an E4M3 bit pattern (the low 8 bits of {@code bits}) to the float32 of the same value.
   *
   * @param bits the pattern
   * @return its value; NaN for {@code 0x7f} and {@code 0xff}
   */
  public static float decode(int bits) {
    int b = bits & 0xff;
    boolean negative = (b & 0x80) != 0;
    int exponent = (b >>> 3) & 0xf;
    int mantissa = b & 0x7;
    float magnitude;
    if (exponent == 0xf && mantissa == 0x7) {
      return Float.NaN;
    } else if (exponent == 0) {
      magnitude = mantissa * MIN_SUBNORMAL;
    } else {
      magnitude = Math.scalb(1f + mantissa / 8f, exponent - 7);
    }
    return negative ? -magnitude : magnitude;
  }

  /**
   * Encodes a float32 to the bit pattern of its E4M3 rounding ({@link #round}).
   *
   * @param x the value
   * @return the 8-bit pattern in the low byte; {@code 0x7f} or {@code 0xff} for NaN
   */
  public static int encode(float x) {
    if (Float.isNaN(x)) {
      return NAN_BITS;
    }
    float r = round(x);
    int sign = (Float.floatToRawIntBits(r) >>> 24) & 0x80;
    float a = Math.abs(r);
    if (a < MIN_NORMAL) {
      return sign | (int) (a / MIN_SUBNORMAL);
    }
    int bits = Float.floatToRawIntBits(a);
    int exponent = ((bits >>> 23) & 0xff) - 127 + 7;
    int mantissa = (bits >>> 20) & 0x7;
    return sign | (exponent << 3) | mantissa;
  }

  /**
   * Rounds a float32 to the nearest E4M3 value, ties to even, saturating at ±448. NaN stays NaN and
   * the sign of zero is kept.
   *
   * @param x the value
   * @return the E4M3 value, as a float32
   */
  public static float round(float x) {
    float a = Math.abs(x);
    float r;
    if (a < MIN_NORMAL) {
      // Fixed quantum 2^-9: scaling by a power of two is exact, so rint rounds half to even exactly.
      r = (float) Math.rint(a * 512f) * MIN_SUBNORMAL;
    } else if (a <= MAX) {
      // Keep 3 of the 23 mantissa bits, round half to even on the 20 dropped bits.
      int bits = Float.floatToRawIntBits(a);
      int lsb = (bits >>> 20) & 1;
      bits = (bits + 0x7ffff + lsb) & 0xfff00000;
      r = Math.min(Float.intBitsToFloat(bits), MAX);
    } else if (a > MAX) {
      r = MAX;
    } else {
      return x; // NaN
    }
    return Math.copySign(r, x);
  }
}
