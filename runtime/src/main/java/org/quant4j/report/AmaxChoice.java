package org.quant4j.report;

import java.util.List;
import java.util.Locale;
import org.quant4j.calib.AmaxMethod;

/**
 * One way to turn calibration statistics into an amax: a method and, for {@link AmaxMethod#PERCENTILE},
 * its percentile.
 *
 * @param method the method
 * @param percentile the percentile in (0, 100], used by PERCENTILE only (0 for the other methods)
 */
public record AmaxChoice(AmaxMethod method, double percentile) {

  /** max, percentile 99.9, percentile 99.99, MSE and entropy: the choices the demo and the report compare. */
  public static final List<AmaxChoice> STANDARD = List.of(
      new AmaxChoice(AmaxMethod.MAX, 0),
      new AmaxChoice(AmaxMethod.PERCENTILE, 99.9),
      new AmaxChoice(AmaxMethod.PERCENTILE, 99.99),
      new AmaxChoice(AmaxMethod.MSE, 0),
      new AmaxChoice(AmaxMethod.ENTROPY, 0));

  /**
   * Checks the percentile of a percentile choice.
   *
   * @throws IllegalArgumentException if method is null or a percentile is outside (0, 100]
   */
  public AmaxChoice {
    if (method == null) {
      throw new IllegalArgumentException("method must not be null");
    }
    if (method == AmaxMethod.PERCENTILE && !(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
  }

  /**
   * Parses a command-line spelling: {@code max}, {@code mse}, {@code entropy}, {@code percentile}
   * (99.99), or {@code percentile:P}.
   *
   * @param text the spelling
   * @return the choice
   * @throws IllegalArgumentException naming the text if it is none of those
   */
  public static AmaxChoice parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String name = colon < 0 ? t : t.substring(0, colon);
    return switch (name) {
      case "max" -> new AmaxChoice(AmaxMethod.MAX, 0);
      case "mse" -> new AmaxChoice(AmaxMethod.MSE, 0);
      case "entropy" -> new AmaxChoice(AmaxMethod.ENTROPY, 0);
      case "percentile" -> new AmaxChoice(AmaxMethod.PERCENTILE,
          colon < 0 ? 99.99 : parsePercentile(t.substring(colon + 1), text));
      default -> throw new IllegalArgumentException(
          "method '" + text + "' is unknown, expected max, percentile[:P], mse or entropy");
    };
  }

  private static double parsePercentile(String p, String text) {
    double percentile;
    try {
      percentile = Double.parseDouble(p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("method '" + text + "' has percentile '" + p + "', expected a number", e);
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("method '" + text + "' has percentile " + p + ", expected a number in (0, 100]");
    }
    return percentile;
  }

  /** @return how tables name the choice: "max", "pct 99.9", "mse", "entropy" */
  public String label() {
    return switch (method) {
      case MAX -> "max";
      case PERCENTILE -> "pct " + (percentile == Math.rint(percentile) ? String.valueOf((long) percentile)
          : String.valueOf(percentile));
      case MSE -> "mse";
      case ENTROPY -> "entropy";
    };
  }

  @Override
  public String toString() {
    return label();
  }
}
