package org.quant4j.internal.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PyYAML's {@code yaml.dump(obj)} (block style, sorted keys) for a flat mapping whose values are
 * null, booleans, integers, floats, strings or nested lists of those, and {@code yaml.safe_load} of
 * such a mapping. The reference serialises descriptors this way ({@code QuantDescriptor.to_yaml}).
 */
public final class PyYaml {

  private static final ObjectMapper READER = new ObjectMapper(new YAMLFactory());
  private static final Pattern PLAIN =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-/ ]*");
  private static final Pattern RESOLVES_TO_OTHER =
      Pattern.compile(
          "(?i)(null|~|true|false|yes|no|on|off|y|n)|[-+]?(\\.[0-9]+|[0-9][0-9_]*)(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\\.(inf|nan)");

  private PyYaml() {}

  /**
   * Dumps a mapping as PyYAML does by default: keys sorted, lists in block style.
   *
   * @param mapping keys to null, Boolean, Integer/Long, Float/Double, String or (nested) List values
   * @return the YAML text, ending in a newline
   * @throws IllegalArgumentException for a value of another type
   */
  public static String dump(Map<String, ?> mapping) {
    List<String> keys = new ArrayList<>(mapping.keySet());
    Collections.sort(keys);
    StringBuilder sb = new StringBuilder();
    for (String key : keys) {
      Object v = mapping.get(key);
      sb.append(string(key)).append(':');
      if (v instanceof List<?> list && !list.isEmpty()) {
        sb.append('\n');
        sequence(sb, list, 0, false);
      } else {
        sb.append(' ').append(scalar(v)).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Reads a YAML mapping ({@code yaml.safe_load}).
   *
   * @param yaml the text
   * @return the mapping with Integer, Double, Boolean, String, null and List values
   * @throws IllegalArgumentException if the text is not a YAML mapping
   */
  public static Map<String, Object> load(String yaml) {
    try {
      Map<String, Object> m = READER.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {});
      if (m == null) {
        throw new IllegalArgumentException("yaml must hold a mapping, got an empty document");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("yaml is not a mapping: " + e.getOriginalMessage(), e);
    }
  }

  private static void sequence(StringBuilder sb, List<?> list, int column, boolean firstInline) {
    for (int i = 0; i < list.size(); i++) {
      if (i > 0 || !firstInline) {
        sb.append(" ".repeat(column));
      }
      sb.append("- ");
      Object item = list.get(i);
      if (item instanceof List<?> inner && !inner.isEmpty()) {
        sequence(sb, inner, column + 2, true);
      } else {
        sb.append(scalar(item)).append('\n');
      }
    }
  }

  private static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return v.toString();
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      String r = PythonFloats.repr(d);
      if (!r.contains(".") && r.contains("e")) {
        r = r.replace("e", ".0e");
      }
      return r;
    }
    if (v instanceof String s) {
      return string(s);
    }
    if (v instanceof List<?> l && l.isEmpty()) {
      return "[]";
    }
    throw new IllegalArgumentException("cannot dump value " + v + " of type " + v.getClass().getName());
  }

  private static String string(String s) {
    boolean plain =
        !s.isEmpty()
            && PLAIN.matcher(s).matches()
            && !s.endsWith(" ")
            && !RESOLVES_TO_OTHER.matcher(s).matches();
    return plain ? s : "'" + s.replace("'", "''") + "'";
  }
}
