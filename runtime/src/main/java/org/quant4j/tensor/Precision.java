package org.quant4j.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * A floating-point format an operation of the reference rounds its result to. Values travel as
 * doubles, which hold every float64, float32, float16 and bfloat16 value exactly; an IEEE operation
 * on two values of one of these formats, done in double and then rounded once with {@link #round},
 * gives the same bits as the operation done in that format (double has more than twice the precision
 * of float32 plus two bits, so the double rounding is innocuous; torch does half and bfloat16
 * arithmetic in float32 and rounds each result to the format, which this reproduces).
 */
enum Precision {
  /** IEEE binary64. */
  FLOAT64,
  /** IEEE binary32. */
  FLOAT32,
  /** IEEE binary16, round to nearest even. */
  FLOAT16,
  /** bfloat16 (the top 16 bits of a float32), round to nearest even as torch's {@code c10::BFloat16}. */
  BFLOAT16;

  /**
   * The precision of an ND4J floating data type.
   *
   * @param type DOUBLE, FLOAT, HALF or BFLOAT16
   * @return its precision
   * @throws IllegalArgumentException for any other type
   */
  static Precision of(DataType type) {
    return switch (type) {
      case DOUBLE -> FLOAT64;
      case FLOAT -> FLOAT32;
      case HALF -> FLOAT16;
      case BFLOAT16 -> BFLOAT16;
      default -> throw new IllegalArgumentException(
          "data type must be DOUBLE, FLOAT, HALF or BFLOAT16, got " + type);
    };
  }

  /**
   * Rounds a value to this format, to nearest even.
   *
   * @param v the value
   * @return the nearest value of this format (as a double)
   */
  double round(double v) {
    return switch (this) {
      case FLOAT64 -> v;
      case FLOAT32 -> (float) v;
      case FLOAT16 -> toHalf((float) v);
      case BFLOAT16 -> toBfloat16((float) v);
    };
  }

  /**
   * Rounds a float32 to the nearest float16 value, ties to even; overflow gives infinity.
   *
   * @param f the value
   * @return the float16 value, exact in float32
   */
  static float toHalf(float f) {
    if (Float.isNaN(f)) {
      return f;
    }
    float a = Math.abs(f);
    if (a >= 65520f) {
      return Math.copySign(Float.POSITIVE_INFINITY, f);
    }
    float r;
    if (a < 0x1p-14f) {
      r = (float) Math.rint(a * 0x1p24f) * 0x1p-24f;
    } else {
      int bits = Float.floatToRawIntBits(a);
      bits += 0xfff + ((bits >>> 13) & 1);
      r = Float.intBitsToFloat(bits & ~0x1fff);
    }
    return Math.copySign(r, f);
  }

  /**
   * Rounds a float32 to the nearest bfloat16 value, ties to even, as torch's
   * {@code round_to_nearest_even}.
   *
   * @param f the value
   * @return the bfloat16 value, exact in float32
   */
  static float toBfloat16(float f) {
    if (Float.isNaN(f)) {
      return f;
    }
    int u = Float.floatToRawIntBits(f);
    u += 0x7fff + ((u >>> 16) & 1);
    return Float.intBitsToFloat(u & 0xffff0000);
  }
}
