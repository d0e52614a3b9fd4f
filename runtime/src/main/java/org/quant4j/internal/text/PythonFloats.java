package org.quant4j.internal.text;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Python 3's renderings of a float: {@code repr(x)} (= {@code str(x)}) and {@code '{:.Nf}'.format(x)}.
 * Both work on the exact binary value, as CPython does (David Gay's dtoa), so a float32 widened to a
 * double prints as the reference prints {@code tensor.item()}.
 */
public final class PythonFloats {

  private PythonFloats() {}

  /**
   * {@code repr(x)}: the shortest round-tripping digits, positional when the decimal point position
   * is in (-4, 16], else scientific with a two-digit-minimum exponent ({@code 1e-05}); a positional
   * integer gets {@code .0}; {@code nan}, {@code inf}, {@code -inf}.
   *
   * @param value the value
   * @return its Python repr
   */
  public static String repr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String sign = (value < 0 || (value == 0.0 && 1.0 / value < 0)) ? "-" : "";
    ShortestDecimal d = ShortestDecimal.ofDouble(value);
    int decpt = d.exponent();
    if (value != 0.0 && (decpt <= -4 || decpt > 16)) {
      return sign + scientific(d.digits(), decpt - 1, 2);
    }
    return sign + positional(d.digits(), decpt, true);
  }

  /**
   * {@code '{:.Nf}'.format(x)}: the exact value rounded half to even at {@code decimals} places;
   * {@code nan}, {@code inf}, {@code -inf}; negative zero keeps its sign.
   *
   * @param value the value
   * @param decimals the number of fractional digits, 0 or more
   * @return the fixed-point text
   */
  public static String fixed(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    boolean negative = value < 0 || (value == 0.0 && 1.0 / value < 0);
    String body =
        new BigDecimal(Math.abs(value)).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    return negative ? "-" + body : body;
  }

  /**
   * {@code '{:.Ne}'.format(x)}: scientific with {@code decimals} fractional digits of the exact value,
   * rounded half to even, exponent with at least two digits ({@code 1.2346e+03}).
   *
   * @param value the value
   * @param decimals the number of fractional digits of the mantissa
   * @return the scientific text
   */
  public static String scientificFixed(double value, int decimals) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    boolean negative = value < 0 || (value == 0.0 && 1.0 / value < 0);
    String sign = negative ? "-" : "";
    if (value == 0.0) {
      return sign + "0" + (decimals > 0 ? "." + "0".repeat(decimals) : "") + "e+00";
    }
    BigDecimal exact = new BigDecimal(Math.abs(value));
    BigDecimal rounded =
        exact.round(new java.math.MathContext(decimals + 1, RoundingMode.HALF_EVEN));
    String unscaled = rounded.unscaledValue().toString();
    int exponent = unscaled.length() - rounded.scale() - 1;
    StringBuilder digits = new StringBuilder(unscaled);
    while (digits.length() < decimals + 1) {
      digits.append('0');
    }
    String mantissa =
        digits.charAt(0) + (decimals > 0 ? "." + digits.substring(1, decimals + 1) : "");
    return sign + mantissa + exponentText(exponent, 2);
  }

  /**
   * Digits placed around a decimal point: {@code 0.digits × 10^decpt}.
   *
   * @param digits significant digits
   * @param decpt position of the decimal point
   * @param addDotZero whether an integer gets {@code .0} (Python) rather than a bare {@code .}
   * @return the positional text, unsigned
   */
  static String positional(String digits, int decpt, boolean addDotZero) {
    StringBuilder sb = new StringBuilder();
    if (decpt <= 0) {
      sb.append("0.").append("0".repeat(-decpt)).append(digits);
    } else if (decpt >= digits.length()) {
      sb.append(digits).append("0".repeat(decpt - digits.length())).append('.');
      if (addDotZero) {
        sb.append('0');
      }
    } else {
      sb.append(digits, 0, decpt).append('.').append(digits.substring(decpt));
    }
    return sb.toString();
  }

  /**
   * Scientific text {@code d[.ddd]e±XX} from significant digits.
   *
   * @param digits significant digits
   * @param exponent10 the exponent of the first digit
   * @param minExponentDigits the minimum number of exponent digits
   * @return the scientific text, unsigned
   */
  static String scientific(String digits, int exponent10, int minExponentDigits) {
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + exponentText(exponent10, minExponentDigits);
  }

  static String exponentText(int exponent10, int minDigits) {
    String e = Integer.toString(Math.abs(exponent10));
    if (e.length() < minDigits) {
      e = "0".repeat(minDigits - e.length()) + e;
    }
    return "e" + (exponent10 < 0 ? "-" : "+") + e;
  }
}
