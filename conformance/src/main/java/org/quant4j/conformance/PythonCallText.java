package org.quant4j.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of a Python call written in a golden file's {@code call} or {@code op} text, e.g.
 * {@code load_calib_amax('percentile', percentile=99.0)} or
 * {@code TensorQuantizer(QuantDescriptor(num_bits=8, learn_amax=True, amax=1.2))(x)}. Literals become
 * Java values: {@code True}/{@code False} → Boolean, {@code None} → null, ints → Integer, floats →
 * Double, quoted text → String, {@code [...]} → List, {@code tensor(v)} → v; anything else (a
 * variable name, a nested call) stays its source text.
 *
 * @param positional the positional arguments in order
 * @param keywords the keyword arguments in order
 */
record PythonCallText(List<Object> positional, Map<String, Object> keywords) {

  private static final Pattern KEYWORD = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)\\s*(.*)$",
      Pattern.DOTALL);
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

  /**
   * Parses the arguments of the first call of {@code function} in {@code text}.
   *
   * @param text the source text
   * @param function the called name, e.g. {@code load_calib_amax}
   * @return the arguments
   * @throws IllegalArgumentException if the text has no such call
   */
  static PythonCallText of(String text, String function) {
    int start = text.indexOf(function + "(");
    if (start < 0) {
      throw new IllegalArgumentException("text must call " + function + "(...), got: " + text);
    }
    int open = start + function.length();
    int close = matching(text, open);
    List<Object> positional = new ArrayList<>();
    Map<String, Object> keywords = new LinkedHashMap<>();
    for (String piece : splitTopLevel(text.substring(open + 1, close))) {
      Matcher m = KEYWORD.matcher(piece);
      if (m.matches()) {
        keywords.put(m.group(1), literal(m.group(2).trim()));
      } else if (!piece.isEmpty()) {
        positional.add(literal(piece));
      }
    }
    return new PythonCallText(positional, keywords);
  }

  /**
   * Whether the text calls {@code function}.
   *
   * @param text the source text
   * @param function the name
   * @return true when {@code function(} occurs in the text
   */
  static boolean calls(String text, String function) {
    return Pattern.compile("(^|[^A-Za-z0-9_])" + Pattern.quote(function) + "\\(").matcher(text).find();
  }

  /**
   * A Python literal as a Java value (see the type's description).
   *
   * @param s the literal's source text
   * @return the value
   */
  static Object literal(String s) {
    s = s.trim();
    switch (s) {
      case "True":
        return Boolean.TRUE;
      case "False":
        return Boolean.FALSE;
      case "None":
        return null;
      default:
        break;
    }
    if (NUMBER.matcher(s).matches()) {
      if (s.contains(".") || s.contains("e") || s.contains("E")) {
        return Double.parseDouble(s);
      }
      return Integer.parseInt(s);
    }
    if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
      return s.substring(1, s.length() - 1);
    }
    if (s.startsWith("[") && s.endsWith("]") || s.startsWith("(") && s.endsWith(")")) {
      List<Object> items = new ArrayList<>();
      for (String piece : splitTopLevel(s.substring(1, s.length() - 1))) {
        if (!piece.isEmpty()) {
          items.add(literal(piece));
        }
      }
      return items;
    }
    if (s.startsWith("tensor(") && s.endsWith(")")) {
      return literal(s.substring("tensor(".length(), s.length() - 1));
    }
    return s;
  }

  /**
   * The first number after {@code label} in a free-text description (e.g. {@code "input amax 1.0"}).
   *
   * @param text the text
   * @param label the words before the number
   * @return the literal that follows (a number or a list)
   * @throws IllegalArgumentException if the label is absent
   */
  static Object after(String text, String label) {
    int i = text.indexOf(label);
    if (i < 0) {
      throw new IllegalArgumentException("text must contain '" + label + "', got: " + text);
    }
    String rest = text.substring(i + label.length()).trim();
    if (rest.startsWith("=")) {
      rest = rest.substring(1).trim();
    }
    if (rest.startsWith("[")) {
      return literal(rest.substring(0, matching(rest, 0) + 1));
    }
    Matcher m = NUMBER.matcher(rest);
    if (!m.lookingAt()) {
      throw new IllegalArgumentException("a number must follow '" + label + "' in: " + text);
    }
    return literal(m.group());
  }

  private static int matching(String s, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        if (--depth == 0) {
          return i;
        }
      }
    }
    throw new IllegalArgumentException("unbalanced brackets in: " + s);
  }

  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    char quote = 0;
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(from, i).trim());
        from = i + 1;
      }
    }
    parts.add(s.substring(from).trim());
    return parts;
  }
}
