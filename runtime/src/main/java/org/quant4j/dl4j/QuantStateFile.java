package org.quant4j.dl4j;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.tensor.QuantDescriptor;
import org.slf4j.LoggerFactory;

/**
 * The one quantizer-state file of quant4j, {@value #FORMAT}: what {@link QuantState#save}, {@code quant4j calibrate},
 * the agent's calibrate mode and the {@code <model>.quant4j.json} beside a saved model write, and what
 * {@link QuantState#load}, {@code quant4j export --amax}, {@code quant4j report --amax} and the agent's
 * {@code amax=} read. Per quantizer name: the stage flags, the descriptor and the amax.
 *
 * <pre>{@code
 * {"format": "quant4j-state/1",
 *  "calibration": {"histogram_method": "entropy"},
 *  "quantizers": {
 *    "hidden1._input_quantizer": {"enabled": true, "quant": true, "calib": false, "clip": false,
 *        "descriptor": {"num_bits": 8, "fake_quant": true, "axis": null, "unsigned": false,
 *                       "narrow_range": false, "calib_method": "histogram", "learn_amax": false, "scale_amax": null},
 *        "amax": {"shape": [], "values": [4.2871046]}},
 *    "hidden1._weight_quantizer": {..., "amax": {"shape": [1, 32], "values": [0.5144189, ...]}},
 *    "output._input_quantizer": {..., "amax": null}}}
 * }</pre>
 *
 * <p>A file holds one network's quantizers under {@code "quantizers"}, named as {@link Quantizers#of} names them. The
 * agent, when the application initialised several networks, writes {@code "networks"} instead: one such map per
 * network label ({@code "networks": {"net0": {...}, "net1": {...}}}). {@code "calibration"} (optional, strings) says
 * how the amax was computed, for the reader.
 *
 * <p>Amax values are float32, written as the shortest decimal that reads back as the same float and read from that
 * decimal, so they round-trip bit for bit; {@code "amax": null} is a quantizer with dynamic amax. Reading is strict:
 * a wrong type ({@code "enabled": "yes"}), a duplicate key, an unknown key, a missing key, and an amax that is not
 * finite, is negative or does not match its shape are each an {@link IllegalArgumentException} naming the file and
 * the key. The two formats this one replaces, {@code quant4j-quantizer-state} version 1 (QuantState's) and
 * {@code quant4j-agent-amax} version 1 (the agent's, names prefixed {@code net<N>.}), are still read, with one line
 * saying so. Instances are immutable.
 */
public final class QuantStateFile {

  /** The value of the {@code "format"} key. */
  public static final String FORMAT = "quant4j-state/1";

  private static final String OLD_STATE_FORMAT = "quant4j-quantizer-state";
  private static final String OLD_AGENT_FORMAT = "quant4j-agent-amax";
  private static final Pattern FORMAT_FAMILY = Pattern.compile("quant4j-state/(\\d+)");
  private static final Pattern OLD_AGENT_NAME = Pattern.compile("(net\\d+)\\.(.+)");
  private static final Set<String> ENTRY_KEYS =
      Set.of("enabled", "quant", "calib", "clip", "descriptor", "amax");
  private static final Set<String> DESCRIPTOR_KEYS = Set.of("num_bits", "fake_quant", "axis", "unsigned",
      "narrow_range", "calib_method", "learn_amax", "scale_amax");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final Map<String, String> calibration;
  private final Map<String, Map<String, QuantizerState>> networks;
  private final boolean perNetwork;

  private QuantStateFile(Map<String, String> calibration, Map<String, Map<String, QuantizerState>> networks,
      boolean perNetwork) {
    this.calibration = Collections.unmodifiableMap(new LinkedHashMap<>(calibration));
    Map<String, Map<String, QuantizerState>> copy = new LinkedHashMap<>();
    networks.forEach((label, quantizers) ->
        copy.put(label, Collections.unmodifiableMap(new LinkedHashMap<>(quantizers))));
    this.networks = Collections.unmodifiableMap(copy);
    this.perNetwork = perNetwork;
  }

  /**
   * The state of one network.
   *
   * @param quantizers each quantizer's state by name, in the order to write them
   * @return a one-network file, without a calibration note
   */
  public static QuantStateFile of(Map<String, QuantizerState> quantizers) {
    return new QuantStateFile(Map.of(), Map.of("", quantizers), false);
  }

  /**
   * The state of several networks, as the agent writes it for an application that initialised more than one.
   *
   * @param networks each network's quantizer states by network label ({@code net0}, ...), in the order to write them
   * @return a per-network file, without a calibration note
   * @throws IllegalArgumentException if there is no network or a label is empty
   */
  public static QuantStateFile ofNetworks(Map<String, Map<String, QuantizerState>> networks) {
    if (networks.isEmpty() || networks.containsKey("")) {
      throw new IllegalArgumentException("networks needs at least one network, each with a non-empty label");
    }
    return new QuantStateFile(Map.of(), networks, true);
  }

  /**
   * This state with a note on how its amax was computed.
   *
   * @param note e.g. {@code {"histogram_method": "entropy"}}
   * @return a new file value
   */
  public QuantStateFile withCalibration(Map<String, String> note) {
    return new QuantStateFile(note, networks, perNetwork);
  }

  /**
   * How the amax was computed, as the writer noted it.
   *
   * @return an unmodifiable map, possibly empty
   */
  public Map<String, String> calibration() {
    return calibration;
  }

  /**
   * Whether the file holds several networks under {@code "networks"} (as the agent writes for an application that
   * initialised more than one) rather than one network under {@code "quantizers"}.
   *
   * @return true for a per-network file
   */
  public boolean perNetwork() {
    return perNetwork;
  }

  /**
   * The network labels of a per-network file.
   *
   * @return the labels in file order; empty for a one-network file
   */
  public List<String> networkLabels() {
    return perNetwork ? List.copyOf(networks.keySet()) : List.of();
  }

  /**
   * The one network's quantizer states: the file's {@code "quantizers"}, or the only network of a per-network file.
   *
   * @return an unmodifiable map by quantizer name
   * @throws IllegalArgumentException if the file holds several networks, naming them
   */
  public Map<String, QuantizerState> quantizers() {
    if (networks.size() != 1) {
      throw new IllegalArgumentException("it holds the state of " + networks.size() + " networks ("
          + String.join(", ", networks.keySet()) + "), written by the agent for an application that initialised "
          + "several; one network's state is needed (QuantStateFile.quantizersOf(label) picks one)");
    }
    return networks.values().iterator().next();
  }

  /**
   * The quantizer states for the agent's network with a label: in a per-network file that network's (empty when the
   * file has none for it), in a one-network file all of them (a one-network file applies to every network).
   *
   * @param label the network label, e.g. {@code net0}
   * @return an unmodifiable map by quantizer name
   */
  public Map<String, QuantizerState> quantizersOf(String label) {
    return perNetwork ? networks.getOrDefault(label, Map.of()) : networks.get("");
  }

  /**
   * Every quantizer state in the file.
   *
   * @return the number of entries over all networks
   */
  public int size() {
    return networks.values().stream().mapToInt(Map::size).sum();
  }

  // ------------------------------------------------------------------ writing

  /**
   * Writes the file atomically ({@link AtomicFiles}: a reader sees the old file or the whole new one).
   *
   * @param file where to write; its directory must exist
   * @throws IOException if it cannot be written (the old file is then unchanged)
   */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, out -> {
      try (JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        if (!calibration.isEmpty()) {
          g.writeObjectFieldStart("calibration");
          for (Map.Entry<String, String> e : calibration.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
        }
        if (perNetwork) {
          g.writeObjectFieldStart("networks");
          for (Map.Entry<String, Map<String, QuantizerState>> n : networks.entrySet()) {
            writeQuantizers(g, n.getKey(), n.getValue());
          }
          g.writeEndObject();
        } else {
          writeQuantizers(g, "quantizers", networks.get(""));
        }
        g.writeEndObject();
        g.flush();
        out.write('\n');
      }
    });
  }

  private static void writeQuantizers(JsonGenerator g, String field, Map<String, QuantizerState> quantizers)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, QuantizerState> e : quantizers.entrySet()) {
      QuantizerState s = e.getValue();
      if (s.flags().isEmpty() || s.descriptor().isEmpty()) {
        throw new IllegalArgumentException(e.getKey() + ": a " + FORMAT + " entry needs flags and a descriptor");
      }
      g.writeObjectFieldStart(e.getKey());
      QuantizerState.Flags f = s.flags().get();
      g.writeBooleanField("enabled", f.enabled());
      g.writeBooleanField("quant", f.quant());
      g.writeBooleanField("calib", f.calib());
      g.writeBooleanField("clip", f.clip());
      writeDescriptor(g, s.descriptor().get());
      if (s.amax().isEmpty()) {
        g.writeNullField("amax");
      } else {
        QuantizerState.Amax a = s.amax().get();
        g.writeObjectFieldStart("amax");
        g.writeArrayFieldStart("shape");
        for (long d : a.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("values");
        for (float v : a.values()) {
          g.writeNumber(Float.toString(v));
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void writeDescriptor(JsonGenerator g, QuantDescriptor d) throws IOException {
    g.writeObjectFieldStart("descriptor");
    if (d.isE4M3()) {
      g.writeArrayFieldStart("num_bits");
      g.writeNumber(4);
      g.writeNumber(3);
      g.writeEndArray();
    } else {
      g.writeNumberField("num_bits", d.numBits());
    }
    g.writeBooleanField("fake_quant", d.fakeQuant());
    int[] axis = d.axis();
    if (axis.length == 0) {
      g.writeNullField("axis");
    } else if (!d.axisIsTuple()) {
      g.writeNumberField("axis", axis[0]);
    } else {
      g.writeArrayFieldStart("axis");
      for (int a : axis) {
        g.writeNumber(a);
      }
      g.writeEndArray();
    }
    g.writeBooleanField("unsigned", d.unsigned());
    g.writeBooleanField("narrow_range", d.narrowRange());
    g.writeStringField("calib_method", d.calibMethod());
    g.writeBooleanField("learn_amax", d.learnAmax());
    if (d.scaleAmax() == null) {
      g.writeNullField("scale_amax");
    } else {
      g.writeFieldName("scale_amax");
      g.writeNumber(Float.toString(d.scaleAmax()));
    }
    g.writeEndObject();
  }

  // ------------------------------------------------------------------ reading

  /**
   * Reads a state file; a file in one of the two old formats is read too, with one warning (through SLF4J).
   *
   * @param file the file
   * @return its content
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a valid state file: the message names the file and the key
   */
  public static QuantStateFile read(Path file) throws IOException {
    return read(file, line -> LoggerFactory.getLogger(QuantStateFile.class).warn("quant4j: {}", line));
  }

  /**
   * Reads the one network's quantizer states of a state file ({@link #read(Path)} then {@link #quantizers()}).
   *
   * @param file the file
   * @return an unmodifiable map by quantizer name
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a valid state file or holds several networks: the message
   *     starts with the file
   */
  public static Map<String, QuantizerState> readQuantizers(Path file) throws IOException {
    QuantStateFile state = read(file);
    try {
      return state.quantizers();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a state file, sending the one line about an old format to {@code notes}.
   *
   * @param file the file
   * @param notes receives one line when the file is in an old format
   * @return its content
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a valid state file: the message names the file and the key
   */
  public static QuantStateFile read(Path file, Consumer<String> notes) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IllegalArgumentException(file + ": not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    Reader r = new Reader(file);
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException(file + ": empty; expected a " + FORMAT + " file");
    }
    r.object(root, "the top level");
    JsonNode format = root.get("format");
    if (format == null || !format.isTextual()) {
      throw new IllegalArgumentException(file + ": no \"format\" string; expected \"format\": \"" + FORMAT + "\"");
    }
    String name = format.asText();
    if (name.equals(FORMAT)) {
      return r.current(root);
    }
    if (name.equals(OLD_STATE_FORMAT) || name.equals(OLD_AGENT_FORMAT)) {
      QuantStateFile read = name.equals(OLD_STATE_FORMAT) ? r.oldState(root) : r.oldAgent(root);
      notes.accept(file + " is in the old " + name + " format: read as before, but write it again (QuantState.save, "
          + "quant4j calibrate or the agent's calibrate mode) to get " + FORMAT + ", the one format quant4j keeps");
      return read;
    }
    Matcher m = FORMAT_FAMILY.matcher(name);
    if (m.matches()) {
      throw new IllegalArgumentException(file + ": \"format\" is \"" + name + "\", written by a newer quant4j; "
          + "this one reads " + FORMAT);
    }
    throw new IllegalArgumentException(file + ": \"format\" is \"" + name + "\"; expected \"" + FORMAT + "\"");
  }

  /** Strict reading of one file: every error names the file and the key path. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    private IllegalArgumentException bad(String path, String problem) {
      return new IllegalArgumentException(file + ": " + path + " " + problem);
    }

    private static String kind(JsonNode n) {
      if (n == null || n.isNull()) {
        return "null";
      }
      if (n.isTextual()) {
        return "the string \"" + n.asText() + "\"";
      }
      if (n.isBoolean() || n.isNumber()) {
        return n.asText();
      }
      return n.isArray() ? "an array" : "an object";
    }

    void object(JsonNode n, String path) {
      if (n == null || !n.isObject()) {
        throw bad(path, "must be an object, got " + kind(n));
      }
    }

    void keys(JsonNode n, String path, Set<String> allowed, Set<String> required) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        String key = e.getKey();
        if (!allowed.contains(key)) {
          throw bad(path(path, key), "is not a known key; expected " + new java.util.TreeSet<>(allowed));
        }
      }
      for (String key : required) {
        if (!n.has(key)) {
          throw bad(path, "has no \"" + key + "\"");
        }
      }
    }

    static String path(String parent, String key) {
      return parent.equals("the top level") ? "\"" + key + "\"" : parent + "[\"" + key + "\"]";
    }

    boolean bool(JsonNode n, String path) {
      if (n == null || !n.isBoolean()) {
        throw bad(path, "must be true or false, got " + kind(n));
      }
      return n.booleanValue();
    }

    QuantStateFile current(JsonNode root) {
      keys(root, "the top level", Set.of("format", "calibration", "quantizers", "networks"), Set.of("format"));
      Map<String, String> calibration = calibration(root);
      boolean hasQuantizers = root.has("quantizers");
      if (hasQuantizers == root.has("networks")) {
        throw new IllegalArgumentException(file + ": needs exactly one of \"quantizers\" (one network) and "
            + "\"networks\" (several)");
      }
      if (hasQuantizers) {
        return QuantStateFile.of(quantizers(root.get("quantizers"), "\"quantizers\"")).withCalibration(calibration);
      }
      JsonNode all = root.get("networks");
      object(all, "\"networks\"");
      if (all.isEmpty()) {
        throw bad("\"networks\"", "is empty");
      }
      Map<String, Map<String, QuantizerState>> networks = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : all.properties()) {
        if (e.getKey().isEmpty()) {
          throw bad("\"networks\"", "has an empty network label");
        }
        networks.put(e.getKey(), quantizers(e.getValue(), path("\"networks\"", e.getKey())));
      }
      return QuantStateFile.ofNetworks(networks).withCalibration(calibration);
    }

    private Map<String, String> calibration(JsonNode root) {
      Map<String, String> note = new LinkedHashMap<>();
      JsonNode n = root.get("calibration");
      if (n == null) {
        return note;
      }
      object(n, "\"calibration\"");
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        if (!e.getValue().isTextual()) {
          throw bad(path("\"calibration\"", e.getKey()), "must be a string, got " + kind(e.getValue()));
        }
        note.put(e.getKey(), e.getValue().asText());
      }
      return note;
    }

    private Map<String, QuantizerState> quantizers(JsonNode n, String path) {
      object(n, path);
      Map<String, QuantizerState> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        out.put(e.getKey(), entry(e.getValue(), path(path, e.getKey())));
      }
      return out;
    }

    private QuantizerState entry(JsonNode n, String path) {
      object(n, path);
      keys(n, path, ENTRY_KEYS, ENTRY_KEYS);
      QuantizerState.Flags flags = new QuantizerState.Flags(bool(n.get("enabled"), path(path, "enabled")),
          bool(n.get("quant"), path(path, "quant")), bool(n.get("calib"), path(path, "calib")),
          bool(n.get("clip"), path(path, "clip")));
      JsonNode amax = n.get("amax");
      return QuantizerState.builder().flags(flags).descriptor(descriptor(n.get("descriptor"), path(path, "descriptor")))
          .amax(amax.isNull() ? null : amax(amax, path(path, "amax"))).build();
    }

    private QuantDescriptor descriptor(JsonNode n, String path) {
      object(n, path);
      keys(n, path, DESCRIPTOR_KEYS, DESCRIPTOR_KEYS);
      Map<String, Object> kwargs = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        kwargs.put(e.getKey(), plain(e.getValue()));
      }
      Object scale = kwargs.get("scale_amax");
      if (scale instanceof Double d && (!Double.isFinite(d) || d < 0)) {
        throw bad(path(path, "scale_amax"), "must be finite and not negative, got " + d);
      }
      try {
        return QuantDescriptor.fromMap(kwargs);
      } catch (IllegalArgumentException e) {
        throw bad(path, "is not a valid descriptor: " + e.getMessage());
      }
    }

    /** A JSON value as the Java value {@link QuantDescriptor#fromMap} takes. */
    private static Object plain(JsonNode n) {
      if (n.isNull()) {
        return null;
      }
      if (n.isBoolean()) {
        return n.booleanValue();
      }
      if (n.isIntegralNumber()) {
        return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
      }
      if (n.isNumber()) {
        return n.doubleValue();
      }
      if (n.isTextual()) {
        return n.asText();
      }
      if (n.isArray()) {
        List<Object> list = new ArrayList<>();
        n.forEach(v -> list.add(plain(v)));
        return list;
      }
      return n.toString();
    }

    private QuantizerState.Amax amax(JsonNode n, String path) {
      object(n, path);
      keys(n, path, Set.of("shape", "values"), Set.of("shape", "values"));
      return amax(n.get("shape"), n.get("values"), path, path(path, "values"));
    }

    private QuantizerState.Amax amax(JsonNode shapeNode, JsonNode valuesNode, String path, String valuesPath) {
      return amaxValue(path, shape(shapeNode, path(path, "shape")), numbers(valuesNode, valuesPath));
    }

    private long[] shape(JsonNode n, String path) {
      if (!n.isArray()) {
        throw bad(path, "must be an array of dimensions, got " + kind(n));
      }
      long[] shape = new long[n.size()];
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = n.get(i);
        if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 1) {
          throw bad(path, "must hold positive integers, got " + kind(d) + " at index " + i);
        }
        shape[i] = d.longValue();
      }
      return shape;
    }

    /** Numbers read from their decimal text, so a float32's shortest decimal gives back that very float. */
    private float[] numbers(JsonNode n, String path) {
      if (!n.isArray()) {
        throw bad(path, "must be an array of numbers, got " + kind(n));
      }
      float[] values = new float[n.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode v = n.get(i);
        if (!v.isNumber()) {
          throw bad(path, "must hold numbers, got " + kind(v) + " at index " + i
              + (v.isTextual() ? " (amax must be finite)" : ""));
        }
        values[i] = Float.parseFloat(v.isIntegralNumber() ? v.bigIntegerValue().toString()
            : v.decimalValue().toString());
      }
      return values;
    }

    private QuantizerState.Amax amaxValue(String path, long[] shape, float[] values) {
      try {
        return new QuantizerState.Amax(shape, values);
      } catch (IllegalArgumentException e) {
        throw bad(path, "is refused: " + e.getMessage());
      }
    }

    QuantStateFile oldState(JsonNode root) {
      keys(root, "the top level", Set.of("format", "version", "quantizers"), Set.of("format", "version",
          "quantizers"));
      version(root);
      JsonNode all = root.get("quantizers");
      object(all, "\"quantizers\"");
      Map<String, QuantizerState> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : all.properties()) {
        String path = path("\"quantizers\"", e.getKey());
        JsonNode n = e.getValue();
        object(n, path);
        keys(n, path, Set.of("enabled", "quant", "calib", "clip", "amax"), Set.of("enabled", "quant", "calib",
            "clip", "amax"));
        QuantizerState.Flags flags = new QuantizerState.Flags(bool(n.get("enabled"), path(path, "enabled")),
            bool(n.get("quant"), path(path, "quant")), bool(n.get("calib"), path(path, "calib")),
            bool(n.get("clip"), path(path, "clip")));
        JsonNode amax = n.get("amax");
        out.put(e.getKey(), QuantizerState.builder().flags(flags)
            .amax(amax.isNull() ? null : oldStateAmax(amax, path(path, "amax"))).build());
      }
      return QuantStateFile.of(out);
    }

    private QuantizerState.Amax oldStateAmax(JsonNode n, String path) {
      object(n, path);
      keys(n, path, Set.of("shape", "data", "bits"), Set.of("shape", "bits"));
      long[] shape = shape(n.get("shape"), path(path, "shape"));
      JsonNode bits = n.get("bits");
      if (!bits.isArray()) {
        throw bad(path(path, "bits"), "must be an array of float32 bit patterns, got " + kind(bits));
      }
      float[] values = new float[bits.size()];
      for (int i = 0; i < values.length; i++) {
        JsonNode b = bits.get(i);
        try {
          values[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(b.textValue(), 16));
        } catch (NumberFormatException | NullPointerException e) {
          throw bad(path(path, "bits"), "must hold 8-digit hex strings, got " + kind(b) + " at index " + i);
        }
      }
      return amaxValue(path, shape, values);
    }

    QuantStateFile oldAgent(JsonNode root) {
      keys(root, "the top level", Set.of("format", "version", "calibration", "quantizers"),
          Set.of("format", "version", "quantizers"));
      version(root);
      Map<String, String> calibration = calibration(root);
      JsonNode all = root.get("quantizers");
      object(all, "\"quantizers\"");
      Map<String, Map<String, QuantizerState>> networks = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : all.properties()) {
        String path = path("\"quantizers\"", e.getKey());
        Matcher m = OLD_AGENT_NAME.matcher(e.getKey());
        if (!m.matches()) {
          throw bad(path, "is not a net<N>.<quantizer> name, as the old agent format has");
        }
        JsonNode n = e.getValue();
        object(n, path);
        keys(n, path, Set.of("shape", "amax"), Set.of("shape", "amax"));
        QuantizerState.Amax amax = amax(n.get("shape"), n.get("amax"), path, path(path, "amax"));
        networks.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
            .put(m.group(2), QuantizerState.builder().amax(amax).build());
      }
      if (networks.isEmpty()) {
        throw bad("\"quantizers\"", "is empty");
      }
      return QuantStateFile.ofNetworks(networks).withCalibration(calibration);
    }

    private void version(JsonNode root) {
      JsonNode v = root.get("version");
      if (!v.isIntegralNumber() || v.intValue() != 1) {
        throw bad("\"version\"", "must be 1 for this old format, got " + kind(v));
      }
    }
  }
}
