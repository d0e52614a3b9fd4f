package org.quant4j.agent;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.calib.AmaxMethod;

/**
 * Parses the agent's argument string, {@code key=value} pairs separated by commas (so a path cannot hold a comma).
 * Every problem is an {@link AgentOptionsException} whose message is one line naming the key and what it allows;
 * files are checked here too (config and, in quant mode, amax must exist), so a bad argument stops the agent before
 * it touches a class. What happens then is {@link #onError(String)}'s choice: the application stops, or (with
 * {@code onerror=warn}) it runs unquantized.
 */
public final class AgentOptionsParser {
  /** The keys, in the order the documentation gives them. */
  public static final List<String> KEYS =
      List.of("config", "mode", "calib", "method", "percentile", "amax", "report", "verbose", "onerror");

  private AgentOptionsParser() {}

  /**
   * Parses an argument string.
   *
   * @param arguments what followed {@code =} in {@code -javaagent:jar=...}; null or blank for the defaults
   * @return the options
   * @throws AgentOptionsException naming the key, the value and the allowed values
   */
  public static AgentOptions parse(String arguments) {
    Map<String, String> values = split(arguments);
    AgentMode mode = mode(values.get("mode"));
    Path config = existingFile("config", values.get("config"), "the QuantConfig YAML or JSON file");
    String calib = calib(values.get("calib"));
    AmaxMethod method = method(values.get("method"));
    double percentile = percentile(values.get("percentile"));
    boolean verbose = bool("verbose", values.get("verbose"));
    OnError onError = onErrorValue(values.get("onerror"));
    Path amax = null;
    Path report = null;
    if (mode == AgentMode.QUANT) {
      for (String key : List.of("calib", "method", "percentile", "report")) {
        if (values.containsKey(key)) {
          throw new AgentOptionsException(key, key + "=" + values.get(key) + ": only with mode=calibrate");
        }
      }
      amax = existingFile("amax", values.get("amax"), "the amax file mode=quant reads");
    } else {
      checkCalibrationChoice(calib, method, values);
      amax = writableFile("amax", values.get("amax"));
      report = path("report", values.get("report"));
      if (amax == null) {
        throw new AgentOptionsException(
            "amax", "mode=calibrate needs amax=FILE, the file the amax is written to at exit");
      }
      if (config != null && sameFile(amax, config)) {
        throw new AgentOptionsException("amax", "amax=" + values.get("amax") + " is also config=; the amax written at "
            + "exit would replace the QuantConfig");
      }
    }
    return new AgentOptions(config, mode, calib, method, percentile, amax, report, verbose, onError);
  }

  /**
   * What a configuration error should do, read from an argument string that may hold other errors: the one
   * {@code onerror} entry, if it is well formed.
   *
   * @param arguments the agent arguments, or null
   * @return {@link OnError#WARN} for {@code onerror=warn}, otherwise {@link OnError#EXIT}
   */
  public static OnError onError(String arguments) {
    if (arguments == null) {
      return OnError.EXIT;
    }
    for (String entry : arguments.split(",", -1)) {
      int eq = entry.indexOf('=');
      if (eq > 0 && entry.substring(0, eq).trim().equals("onerror")
          && entry.substring(eq + 1).trim().equals(OnError.WARN.argumentName())) {
        return OnError.WARN;
      }
    }
    return OnError.EXIT;
  }

  private static OnError onErrorValue(String value) {
    if (value == null) {
      return OnError.EXIT;
    }
    for (OnError o : OnError.values()) {
      if (o.argumentName().equals(value)) {
        return o;
      }
    }
    throw bad("onerror", value);
  }

  private static boolean sameFile(Path a, Path b) {
    return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
  }

  private static Map<String, String> split(String arguments) {
    Map<String, String> values = new LinkedHashMap<>();
    if (arguments == null || arguments.isBlank()) {
      return values;
    }
    for (String entry : arguments.split(",", -1)) {
      int eq = entry.indexOf('=');
      String key = (eq < 0 ? entry : entry.substring(0, eq)).trim();
      if (!KEYS.contains(key)) {
        throw new AgentOptionsException(
            key, "unknown option '" + key + "'; the options are " + String.join(", ", KEYS) + " (key=value,...)");
      }
      if (eq < 0 || entry.substring(eq + 1).isBlank()) {
        throw new AgentOptionsException(key, "option '" + key + "' has no value; write " + key + "=" + hint(key));
      }
      if (values.put(key, entry.substring(eq + 1).trim()) != null) {
        throw new AgentOptionsException(key, "option '" + key + "' is given twice");
      }
    }
    return values;
  }

  private static String hint(String key) {
    return switch (key) {
      case "mode" -> "quant|calibrate";
      case "calib" -> "max|histogram";
      case "method" -> "max|percentile|mse|entropy";
      case "percentile" -> "P (0 to 100)";
      case "verbose" -> "true|false";
      case "report" -> "DIR";
      case "onerror" -> "exit|warn";
      default -> "FILE";
    };
  }

  private static AgentOptionsException bad(String key, String value) {
    return new AgentOptionsException(key, key + "=" + value + ": " + key + " must be " + hint(key));
  }

  private static AgentMode mode(String value) {
    if (value == null) {
      return AgentMode.QUANT;
    }
    for (AgentMode m : AgentMode.values()) {
      if (m.argumentName().equals(value)) {
        return m;
      }
    }
    throw bad("mode", value);
  }

  private static String calib(String value) {
    if (value == null || value.equals("max") || value.equals("histogram")) {
      return value;
    }
    throw bad("calib", value);
  }

  private static AmaxMethod method(String value) {
    if (value == null) {
      return null;
    }
    for (AmaxMethod m : AmaxMethod.values()) {
      if (m.referenceName().equals(value)) {
        return m;
      }
    }
    throw bad("method", value);
  }

  private static double percentile(String value) {
    if (value == null) {
      return AgentOptions.DEFAULT_PERCENTILE;
    }
    try {
      double p = Double.parseDouble(value);
      if (p >= 0 && p <= 100) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad("percentile", value);
  }

  private static boolean bool(String key, String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw bad(key, value);
  }

  private static void checkCalibrationChoice(String calib, AmaxMethod method, Map<String, String> values) {
    if ("max".equals(calib) && method != null && method != AmaxMethod.MAX) {
      throw new AgentOptionsException(
          "method", "method=" + values.get("method") + ": calib=max only has method=max; use calib=histogram");
    }
    if ("histogram".equals(calib) && method == AmaxMethod.MAX) {
      throw new AgentOptionsException(
          "method", "method=max: calib=histogram takes method=percentile|mse|entropy");
    }
    if (values.containsKey("percentile") && method != null && method != AmaxMethod.PERCENTILE) {
      throw new AgentOptionsException(
          "percentile", "percentile=" + values.get("percentile") + ": only with method=percentile");
    }
  }

  private static Path path(String key, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new AgentOptionsException(key, key + "=" + value + ": not a valid path (" + e.getReason() + ")");
    }
  }

  private static Path existingFile(String key, String value, String what) {
    Path file = path(key, value);
    if (file != null && !Files.isRegularFile(file)) {
      throw new AgentOptionsException(
          key, key + "=" + value + ": no such file (" + key + "=FILE names " + what + ")");
    }
    return file;
  }

  private static Path writableFile(String key, String value) {
    Path file = path(key, value);
    if (file == null) {
      return null;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new AgentOptionsException(
          key, key + "=" + value + ": directory " + parent + " does not exist (the amax file is written there)");
    }
    if (Files.isDirectory(file)) {
      throw new AgentOptionsException(key, key + "=" + value + ": is a directory; amax=FILE names a file");
    }
    return file;
  }
}
