package org.quant4j.internal.text;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * numpy's {@code str()} of a float32 scalar or array (numpy 1.2x defaults: precision 8, floatmode
 * {@code maxprec}, line width 75, summary above 1000 elements with 3 edge items). The
 * reference's {@code QuantDescriptor.__str__} prints its amax this way.
 */
public final class NumpyFloat32Format {

  private static final int PRECISION = 8;
  private static final int LINE_WIDTH = 75;
  private static final int THRESHOLD = 1000;
  private static final int EDGE_ITEMS = 3;

  private NumpyFloat32Format() {}

  /**
   * {@code str(np.float32(x))}: positional with at least one fractional digit for 0 and
   * {@code 1e-4 <= |x| < 1e16}, else scientific ({@code 1e-05}).
   *
   * @param value the float32 value
   * @return numpy's text
   */
  public static String scalar(float value) {
    if (Float.isNaN(value)) {
      return "nan";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String sign = isNegative(value) ? "-" : "";
    double abs = Math.abs((double) value);
    ShortestDecimal d = ShortestDecimal.ofFloat(value);
    if (abs == 0 || (abs >= 1e-4 && abs < 1e16)) {
      return sign + PythonFloats.positional(d.digits(), d.exponent(), true);
    }
    return sign + PythonFloats.scientific(d.digits(), d.exponent() - 1, 2);
  }

  /**
   * {@code str(ndarray)} of a float32 array in C order.
   *
   * @param values the elements in C order
   * @param shape the shape; empty for a 0-dim array
   * @return numpy's text, e.g. {@code [1. 2. 3.]} or {@code [[1.]\n [2.]]}
   * @throws IllegalArgumentException if the shape does not match the number of values
   */
  public static String array(float[] values, long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + java.util.Arrays.toString(shape) + " does not hold " + values.length + " values");
    }
    if (shape.length == 0) {
      return scalar(values[0]);
    }
    if (values.length == 0) {
      return "[]";
    }
    boolean summarize = values.length > THRESHOLD;
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i];
    }
    List<Float> shown = new ArrayList<>();
    collectShown(values, dims, 0, 0, summarize, shown);
    ElementFormat format = new ElementFormat(shown);
    return recurse(values, dims, 0, 0, " ", LINE_WIDTH, summarize, format);
  }

  private static int stride(int[] dims, int axis) {
    int s = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      s *= dims[i];
    }
    return s;
  }

  private static void collectShown(
      float[] values, int[] dims, int axis, int offset, boolean summarize, List<Float> out) {
    if (axis == dims.length) {
      out.add(values[offset]);
      return;
    }
    int len = dims[axis];
    int stride = stride(dims, axis);
    boolean cut = summarize && 2 * EDGE_ITEMS < len;
    for (int i = 0; i < len; i++) {
      if (cut && i >= EDGE_ITEMS && i < len - EDGE_ITEMS) {
        continue;
      }
      collectShown(values, dims, axis + 1, offset + i * stride, summarize, out);
    }
  }

  /** numpy's {@code _formatArray} recursion. */
  private static String recurse(
      float[] values,
      int[] dims,
      int axis,
      int offset,
      String hangingIndent,
      int currWidth,
      boolean summarize,
      ElementFormat format) {
    if (axis == dims.length) {
      return format.format(values[offset]);
    }
    int axesLeft = dims.length - axis;
    String nextHangingIndent = hangingIndent + " ";
    int nextWidth = currWidth - 1;
    int len = dims[axis];
    int stride = stride(dims, axis);
    boolean showSummary = summarize && 2 * EDGE_ITEMS < len;
    int leading = showSummary ? EDGE_ITEMS : 0;
    int trailing = showSummary ? EDGE_ITEMS : len;
    StringBuilder s = new StringBuilder();
    if (axesLeft == 1) {
      int elemWidth = currWidth - 1;
      StringBuilder line = new StringBuilder(hangingIndent);
      for (int i = 0; i < leading; i++) {
        String word =
            recurse(values, dims, axis + 1, offset + i * stride, nextHangingIndent, nextWidth,
                summarize, format);
        line = extendLine(s, line, word, elemWidth, hangingIndent);
        line.append(' ');
      }
      if (showSummary) {
        line = extendLine(s, line, "...", elemWidth, hangingIndent);
        line.append(' ');
      }
      for (int i = trailing; i > 1; i--) {
        String word =
            recurse(values, dims, axis + 1, offset + (len - i) * stride, nextHangingIndent,
                nextWidth, summarize, format);
        line = extendLine(s, line, word, elemWidth, hangingIndent);
        line.append(' ');
      }
      String word =
          recurse(values, dims, axis + 1, offset + (len - 1) * stride, nextHangingIndent,
              nextWidth, summarize, format);
      line = extendLine(s, line, word, elemWidth, hangingIndent);
      s.append(line);
    } else {
      String lineSep = "\n".repeat(axesLeft - 1);
      for (int i = 0; i < leading; i++) {
        s.append(hangingIndent)
            .append(recurse(values, dims, axis + 1, offset + i * stride, nextHangingIndent,
                nextWidth, summarize, format))
            .append(lineSep);
      }
      if (showSummary) {
        s.append(hangingIndent).append("...").append(lineSep);
      }
      for (int i = trailing; i > 1; i--) {
        s.append(hangingIndent)
            .append(recurse(values, dims, axis + 1, offset + (len - i) * stride,
                nextHangingIndent, nextWidth, summarize, format))
            .append(lineSep);
      }
      s.append(hangingIndent)
          .append(recurse(values, dims, axis + 1, offset + (len - 1) * stride, nextHangingIndent,
              nextWidth, summarize, format));
    }
    return "[" + s.substring(hangingIndent.length()) + "]";
  }

  private static StringBuilder extendLine(
      StringBuilder s, StringBuilder line, String word, int lineWidth, String nextLinePrefix) {
    boolean needsWrap = line.length() + word.length() > lineWidth;
    if (line.length() <= nextLinePrefix.length()) {
      needsWrap = false;
    }
    if (needsWrap) {
      s.append(line.toString().stripTrailing()).append('\n');
      line = new StringBuilder(nextLinePrefix);
    }
    line.append(word);
    return line;
  }

  private static boolean isNegative(float v) {
    return v < 0 || (v == 0f && 1f / v < 0);
  }

  /** numpy's {@code FloatingFormat} for the shown elements of one array. */
  private static final class ElementFormat {
    private final boolean expFormat;
    private int padLeft;
    private int padRight;
    private int precision;
    private int expDigits;

    ElementFormat(List<Float> shown) {
      List<Float> finite = new ArrayList<>();
      float maxAbs = 0f;
      float minAbs = Float.POSITIVE_INFINITY;
      boolean anyNonZero = false;
      boolean negInf = false;
      for (float v : shown) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
          if (v == Float.NEGATIVE_INFINITY) {
            negInf = true;
          }
          continue;
        }
        finite.add(v);
        if (v != 0f) {
          anyNonZero = true;
          maxAbs = Math.max(maxAbs, Math.abs(v));
          minAbs = Math.min(minAbs, Math.abs(v));
        }
      }
      expFormat =
          anyNonZero && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1000f);
      if (finite.isEmpty()) {
        padLeft = 0;
        padRight = 0;
      } else if (expFormat) {
        int maxExpLen = 0;
        for (float v : finite) {
          Sci sci = scientificParts(v, PRECISION);
          padLeft = Math.max(padLeft, sci.intPart.length());
          precision = Math.max(precision, sci.frac.length());
          maxExpLen = Math.max(maxExpLen, sci.exp.length());
        }
        expDigits = maxExpLen - 1;
        padRight = expDigits + 2 + precision;
      } else {
        for (float v : finite) {
          String[] parts = positionalParts(v);
          padLeft = Math.max(padLeft, parts[0].length());
          padRight = Math.max(padRight, parts[1].length());
        }
      }
      if (finite.size() != shown.size()) {
        int offset = padRight + 1;
        padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
      }
    }

    String format(float v) {
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        String ret = Float.isNaN(v) ? "nan" : (v < 0 ? "-inf" : "inf");
        int width = padLeft + padRight + 1;
        return " ".repeat(Math.max(0, width - ret.length())) + ret;
      }
      String intPart;
      String rest;
      if (expFormat) {
        // min_digits = precision: digits past the shortest unique ones are the exact value's.
        Sci sci = scientificExact(v, precision);
        String frac = sci.frac;
        String exp = sci.exp.substring(1);
        if (exp.length() < expDigits) {
          exp = "0".repeat(expDigits - exp.length()) + exp;
        }
        intPart = sci.intPart;
        rest = "." + frac + "e" + sci.exp.charAt(0) + exp;
      } else {
        String[] parts = positionalParts(v);
        intPart = parts[0];
        rest = "." + parts[1] + " ".repeat(padRight - parts[1].length());
      }
      return " ".repeat(Math.max(0, padLeft - intPart.length())) + intPart + rest;
    }

    /** Dragon4 positional, unique, at most 8 fractional digits, trailing zeros trimmed. */
    private static String[] positionalParts(float v) {
      String sign = isNegative(v) ? "-" : "";
      ShortestDecimal d = ShortestDecimal.ofFloat(v);
      int fracDigits = Math.max(0, d.digits().length() - d.exponent());
      String text;
      if (fracDigits > PRECISION) {
        BigDecimal r =
            new BigDecimal(Math.abs(v)).setScale(PRECISION, RoundingMode.HALF_EVEN)
                .stripTrailingZeros();
        text = r.scale() <= 0 ? r.toBigInteger().toString() + "." : r.toPlainString();
      } else {
        text = PythonFloats.positional(d.digits(), d.exponent(), false);
      }
      int dot = text.indexOf('.');
      return new String[] {sign + text.substring(0, dot), text.substring(dot + 1)};
    }

    private record Sci(String intPart, String frac, String exp) {}

    /** The exact value in scientific notation, rounded half to even to {@code frac} digits. */
    private static Sci scientificExact(float v, int frac) {
      String sign = isNegative(v) ? "-" : "";
      if (v == 0f) {
        return new Sci(sign + "0", "0".repeat(frac), "+00");
      }
      BigDecimal r = new BigDecimal(Math.abs(v)).round(new MathContext(frac + 1, RoundingMode.HALF_EVEN));
      String digits = r.unscaledValue().toString();
      int exponent = digits.length() - r.scale() - 1;
      digits = (digits + "0".repeat(frac + 1)).substring(0, frac + 1);
      String e = Integer.toString(Math.abs(exponent));
      if (e.length() < 2) {
        e = "0" + e;
      }
      return new Sci(sign + digits.charAt(0), digits.substring(1), (exponent < 0 ? "-" : "+") + e);
    }

    /** Dragon4 scientific, unique, at most {@code maxFrac} fractional digits, trimmed. */
    private static Sci scientificParts(float v, int maxFrac) {
      String sign = isNegative(v) ? "-" : "";
      if (v == 0f) {
        return new Sci(sign + "0", "", "+00");
      }
      ShortestDecimal d = ShortestDecimal.ofFloat(v);
      String digits = d.digits();
      int exponent = d.exponent() - 1;
      if (digits.length() - 1 > maxFrac) {
        BigDecimal r =
            new BigDecimal(Math.abs(v)).round(new MathContext(maxFrac + 1, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        digits = r.unscaledValue().toString();
        exponent = digits.length() - r.scale() - 1;
      }
      String e = Integer.toString(Math.abs(exponent));
      if (e.length() < 2) {
        e = "0" + e;
      }
      return new Sci(sign + digits.charAt(0), digits.substring(1), (exponent < 0 ? "-" : "+") + e);
    }
  }
}
