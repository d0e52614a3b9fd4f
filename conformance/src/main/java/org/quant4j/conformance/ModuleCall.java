package org.quant4j.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A torch module constructor call as the golden {@code modules} file prints it, e.g.
 * {@code QuantConv2d(4, 6, 3, stride=2, padding=1, groups=2)}: the class name, the positional
 * arguments and the keyword arguments, each as its source text.
 *
 * @param className the module class, e.g. {@code QuantConv2d}
 * @param positional the positional arguments' texts
 * @param keywords the keyword arguments' texts by name, in order
 */
record ModuleCall(String className, List<String> positional, Map<String, String> keywords) {

  /**
   * Parses a call.
   *
   * @param text the call text
   * @return the call
   * @throws IllegalArgumentException if the text is not {@code Name(args)}
   */
  static ModuleCall parse(String text) {
    int open = text.indexOf('(');
    if (open < 0 || !text.endsWith(")")) {
      throw new IllegalArgumentException("module must look like Name(args), got " + text);
    }
    List<String> positional = new ArrayList<>();
    Map<String, String> keywords = new LinkedHashMap<>();
    for (String arg : splitTopLevel(text.substring(open + 1, text.length() - 1))) {
      int eq = arg.indexOf('=');
      if (eq > 0 && arg.substring(0, eq).matches("\\s*\\w+\\s*")) {
        keywords.put(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
      } else if (!arg.isBlank()) {
        positional.add(arg.trim());
      }
    }
    return new ModuleCall(text.substring(0, open).trim(), positional, keywords);
  }

  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }

  /**
   * An argument as an int tuple of the given length: {@code 3} repeats, {@code (2, 3)} is taken as is.
   *
   * @param index the positional index, or -1 for keyword only
   * @param name the keyword name
   * @param rank the tuple length
   * @param fallback the value when the argument is absent
   * @return the values
   */
  int[] ints(int index, String name, int rank, int fallback) {
    String text = keywords.containsKey(name) ? keywords.get(name)
        : index >= 0 && index < positional.size() ? positional.get(index) : null;
    int[] out = new int[rank];
    if (text == null || text.equals("None")) {
      java.util.Arrays.fill(out, fallback);
      return out;
    }
    String body = text.replaceAll("[()\\[\\]\\s]", "");
    String[] parts = body.isEmpty() ? new String[0] : body.split(",");
    for (int i = 0; i < rank; i++) {
      out[i] = Integer.parseInt(parts.length == 1 ? parts[0] : parts[i]);
    }
    return out;
  }

  /**
   * A keyword argument as text, without quotes.
   *
   * @param name the keyword
   * @param fallback the value when absent
   * @return the text
   */
  String text(String name, String fallback) {
    String v = keywords.get(name);
    return v == null ? fallback : v.replaceAll("^['\"]|['\"]$", "");
  }

  /**
   * A boolean keyword argument.
   *
   * @param name the keyword
   * @param fallback the value when absent
   * @return the value
   */
  boolean flag(String name, boolean fallback) {
    String v = keywords.get(name);
    return v == null ? fallback : v.equals("True");
  }
}
