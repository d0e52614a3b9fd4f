package org.quant4j.internal.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal that reads back as a given binary float: the digits Python's {@code repr}
 * (double) and numpy's Dragon4 "unique" mode (float32) print. Among the shortest candidates the one
 * nearest to the exact binary value is chosen (Steele and White, "How to Print Floating-Point Numbers
 * Accurately", PLDI 1990).
 *
 * @param digits the significant digits, without leading or trailing zeros ("0" for zero)
 * @param exponent the decimal exponent of the first digit: value = 0.digits × 10^exponent, as in
 *     Python's {@code decpt}
 */
public record ShortestDecimal(String digits, int exponent) {

  /**
   * The shortest digits that round-trip a finite double.
   *
   * @param value a finite double
   * @return its shortest decimal
   * @throws IllegalArgumentException if {@code value} is NaN or infinite
   */
  public static ShortestDecimal ofDouble(double value) {
    requireFinite(value);
    if (value == 0.0) {
      return new ShortestDecimal("0", 1);
    }
    BigDecimal exact = new BigDecimal(Math.abs(value));
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal found = nearestThatReadsBack(exact, precision, v -> v.doubleValue() == Math.abs(value));
      if (found != null) {
        return of(found);
      }
    }
    return of(exact.round(new MathContext(17, RoundingMode.HALF_EVEN)));
  }

  /**
   * The shortest digits that round-trip a finite float32 (numpy's float32 unique mode).
   *
   * @param value a finite float
   * @return its shortest decimal
   * @throws IllegalArgumentException if {@code value} is NaN or infinite
   */
  public static ShortestDecimal ofFloat(float value) {
    requireFinite(value);
    if (value == 0f) {
      return new ShortestDecimal("0", 1);
    }
    float abs = Math.abs(value);
    BigDecimal exact = new BigDecimal(abs);
    for (int precision = 1; precision <= 9; precision++) {
      BigDecimal found = nearestThatReadsBack(exact, precision, v -> v.floatValue() == abs);
      if (found != null) {
        return of(found);
      }
    }
    return of(exact.round(new MathContext(9, RoundingMode.HALF_EVEN)));
  }

  private interface ReadsBack {
    boolean test(BigDecimal candidate);
  }

  private static BigDecimal nearestThatReadsBack(BigDecimal exact, int precision, ReadsBack check) {
    BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
    if (check.test(nearest)) {
      return nearest;
    }
    // At a power of two the rounding interval is asymmetric: the other neighbour may still read back.
    BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
    BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
    BigDecimal other = nearest.compareTo(down) == 0 ? up : down;
    return check.test(other) ? other : null;
  }

  private static ShortestDecimal of(BigDecimal positive) {
    BigDecimal stripped = positive.stripTrailingZeros();
    String unscaled = stripped.unscaledValue().toString();
    int exponent = unscaled.length() - stripped.scale();
    return new ShortestDecimal(unscaled, exponent);
  }

  private static void requireFinite(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("value must be finite, got " + value);
    }
  }
}
