package org.quant4j.agent;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's amax file: every calibrated quantizer's amax by full name ({@code net0.hidden1._input_quantizer}),
 * written at the end of a calibrate run and read by a quant run. Values are float32, written as Java's shortest
 * decimal for the float ({@link Float#toString(float)}) and read back from that exact decimal, so they round-trip
 * bit for bit; non-finite values are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *
 * <pre>{@code
 * {"format": "quant4j-agent-amax", "version": 1,
 *  "calibration": {"method": "entropy", "percentile": 99.99},
 *  "quantizers": {"net0.hidden1._input_quantizer": {"shape": [], "amax": [4.2871046]},
 *                 "net0.hidden1._weight_quantizer": {"shape": [1, 32], "amax": [0.61, ...]}}}
 * }</pre>
 *
 * @param calibration how the amax was computed, for the reader (e.g. {@code {"method": "entropy"}}); may be empty
 * @param quantizers amax by quantizer name, in file order
 */
public record AmaxFile(Map<String, String> calibration, Map<String, Amax> quantizers) {
  /** The value of the file's {@code format} key. */
  public static final String FORMAT = "quant4j-agent-amax";
  /** The value of the file's {@code version} key. */
  public static final int VERSION = 1;

  /**
   * One quantizer's amax: a float32 tensor of the shape the quantizer broadcasts against its input ({@code []} per
   * tensor, e.g. {@code [1, 32]} per output channel of a dense weight).
   *
   * @param shape the shape
   * @param values the values in C order, as many as the shape holds
   */
  public record Amax(long[] shape, float[] values) {
    /**
     * Copies and checks the arrays.
     *
     * @throws IllegalArgumentException if the value count does not match the shape
     */
    public Amax {
      shape = shape.clone();
      values = values.clone();
      long count = 1;
      for (long s : shape) {
        count *= s;
      }
      if (count != values.length) {
        throw new IllegalArgumentException(
            "amax shape " + Arrays.toString(shape) + " holds " + count + " values, got " + values.length);
      }
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public float[] values() {
      return values.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Amax a && Arrays.equals(shape, a.shape) && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Amax" + Arrays.toString(shape) + Arrays.toString(values);
    }
  }

  /**
   * Copies the maps, keeping their order.
   */
  public AmaxFile {
    calibration = Collections.unmodifiableMap(new LinkedHashMap<>(calibration));
    quantizers = Collections.unmodifiableMap(new LinkedHashMap<>(quantizers));
  }

  /**
   * Reads an amax file.
   *
   * @param file the file
   * @return its content
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not an amax file, naming the file and what is wrong
   */
  public static AmaxFile read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(file.toFile());
    if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("quantizers").isObject()) {
      throw new IllegalArgumentException(file + " is not a quant4j agent amax file (format " + FORMAT + ")");
    }
    if (root.path("version").asInt() != VERSION) {
      throw new IllegalArgumentException(file + " has version " + root.path("version") + "; this agent reads "
          + VERSION);
    }
    Map<String, String> calibration = new LinkedHashMap<>();
    root.path("calibration").fields().forEachRemaining(e -> calibration.put(e.getKey(), e.getValue().asText()));
    Map<String, Amax> quantizers = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("quantizers").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      quantizers.put(e.getKey(), readAmax(file, e.getKey(), e.getValue()));
    }
    return new AmaxFile(calibration, quantizers);
  }

  private static Amax readAmax(Path file, String name, JsonNode n) {
    JsonNode shape = n.path("shape");
    JsonNode amax = n.path("amax");
    if (!shape.isArray() || !amax.isArray()) {
      throw new IllegalArgumentException(file + ": " + name + " needs \"shape\" and \"amax\" arrays, got " + n);
    }
    long[] dims = new long[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asLong();
    }
    float[] values = new float[amax.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = amax.get(i);
      String text = v.isNumber() ? v.decimalValue().toString() : v.asText();
      try {
        values[i] = Float.parseFloat(text);
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(file + ": " + name + " amax[" + i + "] is not a number: " + v);
      }
    }
    try {
      return new Amax(dims, values);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(file + ": " + name + ": " + ex.getMessage());
    }
  }

  /**
   * Writes the file atomically: to a temporary file in the same directory, then renamed over {@code file}
   * ({@link StandardCopyOption#ATOMIC_MOVE}; where the file system cannot, an ordinary replacing move). A reader
   * sees the old file or the new one, never part of one.
   *
   * @param file where to write
   * @throws IOException if it cannot be written (the temporary file is removed)
   */
  public void write(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(tmp.toFile(), JsonEncoding.UTF8)) {
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("version", VERSION);
        g.writeObjectFieldStart("calibration");
        for (Map.Entry<String, String> e : calibration.entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("quantizers");
        for (Map.Entry<String, Amax> e : quantizers.entrySet()) {
          writeAmax(g, e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeAmax(JsonGenerator g, String name, Amax amax) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeArrayFieldStart("shape");
    for (long s : amax.shape) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("amax");
    for (float v : amax.values) {
      if (Float.isFinite(v)) {
        g.writeNumber(Float.toString(v));
      } else {
        g.writeString(Float.toString(v));
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * The amax of one quantizer.
   *
   * @param name the full quantizer name
   * @return its amax, or null when the file has none
   */
  public Amax get(String name) {
    return quantizers.get(Objects.requireNonNull(name, "name"));
  }
}
