package org.quant4j.dl4j;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantFormat;

/**
 * How {@link QuantModules#initialize(QuantConfig)} (and the agent) quantize a DL4J network: a default
 * per role, wildcard overrides per quantizer name, and whether Add vertices get a residual quantizer.
 *
 * <p>Defaults follow the reference: inputs and residuals {@code QUANT_DESC_8BIT_PER_TENSOR}; weights
 * 8 bit with amax per output channel on the layer map's axes. The same file format is read from YAML
 * or JSON:
 *
 * <pre>{@code
 * residual: true                  # quantize the identity input of every ElementWiseVertex Add
 * input:    {num_bits: 8, calib_method: histogram}
 * weight:   {num_bits: 4}         # per_channel: true unless set to false
 * residual_quantizer: {num_bits: 8}
 * overrides:                      # later entries win; name is a glob over quantizer names
 *   - {name: "layer0.*", num_bits: 8}
 *   - {name: "*_input_quantizer", enable: false}
 *   - {name: "fc*", num_bits: [4, 3]}   # FP8 E4M3 (per tensor, weights included)
 * }</pre>
 *
 * <p>Instances are immutable; build them with {@link #builder()} or read them with {@link #load(Path)}
 * / {@link #parse(String)}.
 */
public final class QuantConfig {

  /** The reference defaults, without residual quantizers. */
  public static final QuantConfig DEFAULT = builder().build();

  private static final Set<String> TOP_KEYS =
      Set.of("residual", "input", "weight", "residual_quantizer", "overrides");
  private static final Set<String> SPEC_KEYS = Set.of("num_bits", "unsigned", "narrow_range",
      "calib_method", "per_channel", "amax", "learn_amax", "scale_amax", "enable");

  private final QuantSpec input;
  private final QuantSpec weight;
  private final QuantSpec residualSpec;
  private final boolean residual;
  private final List<NameOverride> overrides;

  /**
   * A wildcard override: {@code spec} applies to every quantizer whose full name matches {@code glob}
   * ({@code *} any run of characters, {@code ?} one character).
   *
   * @param glob the name pattern
   * @param spec the fields it sets
   */
  public record NameOverride(String glob, QuantSpec spec) {
    /**
     * Checks the arguments.
     *
     * @throws IllegalArgumentException if glob or spec is null or glob is empty
     */
    public NameOverride {
      if (glob == null || glob.isEmpty()) {
        throw new IllegalArgumentException("override name must be a non-empty glob, got " + glob);
      }
      if (spec == null) {
        throw new IllegalArgumentException("override spec must not be null for name " + glob);
      }
    }

    /**
     * Whether a quantizer name matches the glob.
     *
     * @param quantizerName the full name, e.g. {@code conv1._weight_quantizer}
     * @return true on a match
     */
    public boolean matches(String quantizerName) {
      StringBuilder re = new StringBuilder();
      for (String part : glob.split("((?<=[*?])|(?=[*?]))")) {
        re.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
      }
      return Pattern.matches(re.toString(), quantizerName);
    }
  }

  /**
   * A quantizer's resolved settings.
   *
   * @param descriptor the descriptor to build the quantizer with
   * @param enabled whether the quantizer starts enabled
   */
  public record Resolved(QuantDescriptor descriptor, boolean enabled) {}

  private QuantConfig(Builder b) {
    this.input = b.input;
    this.weight = b.weight;
    this.residualSpec = b.residualSpec;
    this.residual = b.residual;
    this.overrides = List.copyOf(b.overrides);
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().input(input).weight(weight).residualQuantizer(residualSpec).residual(residual);
    b.overrides.addAll(overrides);
    return b;
  }

  /**
   * The spec laid over every input quantizer.
   *
   * @return the input default
   */
  public QuantSpec input() {
    return input;
  }

  /**
   * The spec laid over every weight quantizer.
   *
   * @return the weight default
   */
  public QuantSpec weight() {
    return weight;
  }

  /**
   * The spec laid over every residual quantizer.
   *
   * @return the residual default
   */
  public QuantSpec residualQuantizer() {
    return residualSpec;
  }

  /**
   * Whether ElementWiseVertex Add vertices get a residual quantizer on their identity input.
   *
   * @return the {@code residual} flag
   */
  public boolean residual() {
    return residual;
  }

  /**
   * The overrides, in the order they apply (later ones win).
   *
   * @return the overrides
   */
  public List<NameOverride> overrides() {
    return overrides;
  }

  /**
   * The descriptor and enabled state for one quantizer.
   *
   * @param quantizerName the full quantizer name
   * @param role its role
   * @param channelAxes the output-channel axes of a weight (ignored for other roles)
   * @return the resolved settings
   */
  public Resolved resolve(String quantizerName, QuantRole role, int[] channelAxes) {
    QuantSpec spec = role == QuantRole.INPUT ? input : role == QuantRole.RESIDUAL ? residualSpec : weight;
    for (NameOverride o : overrides) {
      if (o.matches(quantizerName)) {
        spec = spec.overlay(o.spec());
      }
    }
    boolean perChannel = role.isWeight()
        && (spec.perChannel() == null ? !spec.isE4M3() : spec.perChannel());
    QuantDescriptor.Builder b = QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR.toBuilder();
    spec.applyTo(b);
    b.axis(perChannel ? channelAxes : new int[0]);
    return new Resolved(b.build(), spec.enable() == null || spec.enable());
  }

  /**
   * Reads a configuration file: JSON when the name ends in {@code .json}, YAML otherwise. Reading is
   * strict, as {@link #parse(String)} is; every message starts with the file's path.
   *
   * @param file the file
   * @return the configuration
   * @throws IOException if the file cannot be read (the message names the file)
   * @throws IllegalArgumentException if its content is not a valid configuration, naming the file and
   *     the key
   */
  public static QuantConfig load(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("quant config file must not be null");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("quant config " + file + " is not a file");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IOException("cannot read quant config " + file + ": " + e.getMessage(), e);
    }
    boolean json = file.getFileName().toString().endsWith(".json");
    try {
      return parse(text, json ? strict(new JsonFactory()) : strict(new YAMLFactory()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a configuration from YAML (JSON, being YAML, parses too). Parsing is strict: an unknown key,
   * a key given twice, a value of the wrong type ({@code enable: "yes"}) or a non-finite number is an
   * error naming the key.
   *
   * @param text the configuration text
   * @return the configuration
   * @throws IllegalArgumentException if the text is not a valid configuration, naming the bad key
   */
  public static QuantConfig parse(String text) {
    return parse(text, strict(new YAMLFactory()));
  }

  /** A mapper that refuses duplicate keys. */
  private static ObjectMapper strict(JsonFactory factory) {
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return new ObjectMapper(factory);
  }

  private static QuantConfig parse(String text, ObjectMapper mapper) {
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("quant config is not valid YAML/JSON: " + why.strip().replaceAll("\\s*\\R\\s*", " "), e);
    }
    Builder b = builder();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return b.build();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("quant config must be a mapping, got " + root.getNodeType());
    }
    checkKeys(root, TOP_KEYS, "quant config");
    if (root.has("residual")) {
      b.residual(bool(root.get("residual"), "residual"));
    }
    if (root.has("input")) {
      b.input(spec(root.get("input"), "input", false));
    }
    if (root.has("weight")) {
      b.weight(spec(root.get("weight"), "weight", false));
    }
    if (root.has("residual_quantizer")) {
      b.residualQuantizer(spec(root.get("residual_quantizer"), "residual_quantizer", false));
    }
    if (root.has("overrides")) {
      JsonNode list = root.get("overrides");
      if (!list.isArray()) {
        throw new IllegalArgumentException("overrides must be a list, got " + list.getNodeType());
      }
      for (JsonNode o : list) {
        if (!o.isObject() || !o.hasNonNull("name")) {
          throw new IllegalArgumentException("each override must be a mapping with a name, got " + o);
        }
        String name = text(o.get("name"), "overrides.name");
        b.override(name, spec(o, "override " + name, true));
      }
    }
    return b.build();
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(
            "unknown key \"" + k + "\" in " + where + "; expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static QuantSpec spec(JsonNode n, String where, boolean allowName) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(where + " must be a mapping, got " + n.getNodeType());
    }
    Set<String> allowed = SPEC_KEYS;
    if (allowName) {
      allowed = new java.util.HashSet<>(SPEC_KEYS);
      allowed.add("name");
    }
    checkKeys(n, allowed, where);
    float[] amax = null;
    if (n.has("amax")) {
      JsonNode a = n.get("amax");
      if (a.isNumber()) {
        amax = new float[] {finite(a, where + ".amax")};
      } else if (a.isArray()) {
        amax = new float[a.size()];
        for (int i = 0; i < amax.length; i++) {
          amax[i] = finite(a.get(i), where + ".amax[" + i + "]");
        }
      } else {
        throw new IllegalArgumentException(where + ".amax must be a number or a list, got " + a);
      }
    }
    boolean e4m3 = n.has("num_bits") && isE4M3(n.get("num_bits"), where + ".num_bits");
    return new QuantSpec(
        n.has("num_bits") && !e4m3 ? integer(n.get("num_bits"), where + ".num_bits") : null,
        n.has("unsigned") ? bool(n.get("unsigned"), where + ".unsigned") : null,
        n.has("narrow_range") ? bool(n.get("narrow_range"), where + ".narrow_range") : null,
        n.has("calib_method") ? text(n.get("calib_method"), where + ".calib_method") : null,
        n.has("per_channel") ? bool(n.get("per_channel"), where + ".per_channel") : null,
        amax,
        n.has("learn_amax") ? bool(n.get("learn_amax"), where + ".learn_amax") : null,
        n.has("scale_amax") ? finite(n.get("scale_amax"), where + ".scale_amax") : null,
        n.has("enable") ? bool(n.get("enable"), where + ".enable") : null,
        e4m3 ? QuantFormat.E4M3 : null);
  }

  /** Whether num_bits is the pair [4, 3] (FP8 E4M3); another list is an error. */
  private static boolean isE4M3(JsonNode n, String key) {
    if (!n.isArray()) {
      return false;
    }
    if (n.size() == 2 && n.get(0).isIntegralNumber() && n.get(0).intValue() == 4
        && n.get(1).isIntegralNumber() && n.get(1).intValue() == 3) {
      return true;
    }
    throw new IllegalArgumentException(key + " must be an integer or [4, 3] (FP8 E4M3), got " + n);
  }

  private static boolean bool(JsonNode n, String key) {
    if (!n.isBoolean()) {
      throw new IllegalArgumentException(key + " must be true or false, got " + n);
    }
    return n.booleanValue();
  }

  private static int integer(JsonNode n, String key) {
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(key + " must be an integer, got " + n);
    }
    return n.intValue();
  }

  private static float finite(JsonNode n, String key) {
    if (!n.isNumber() || !Float.isFinite(n.floatValue())) {
      throw new IllegalArgumentException(key + " must be a finite number, got " + n);
    }
    return n.floatValue();
  }

  private static String text(JsonNode n, String key) {
    if (!n.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string, got " + n);
    }
    return n.textValue();
  }

  /**
   * This configuration as YAML that {@link #parse(String)} reads back to the same configuration: every
   * set field of every spec, amax values written exactly (each float reads back bit for bit).
   *
   * @return the YAML text, ending in a newline
   */
  public String toYaml() {
    StringBuilder y = new StringBuilder();
    y.append("residual: ").append(residual).append('\n');
    y.append("input: ").append(flow(input, null)).append('\n');
    y.append("weight: ").append(flow(weight, null)).append('\n');
    y.append("residual_quantizer: ").append(flow(residualSpec, null)).append('\n');
    if (!overrides.isEmpty()) {
      y.append("overrides:\n");
      for (NameOverride o : overrides) {
        y.append("  - ").append(flow(o.spec(), o.glob())).append('\n');
      }
    }
    return y.toString();
  }

  /** One spec as a YAML flow mapping, with its override name first when given. */
  private static String flow(QuantSpec s, String name) {
    List<String> f = new ArrayList<>();
    if (name != null) {
      f.add("name: " + quoted(name));
    }
    if (s.isE4M3()) {
      f.add("num_bits: [4, 3]");
    } else if (s.numBits() != null) {
      f.add("num_bits: " + s.numBits());
    }
    if (s.unsigned() != null) {
      f.add("unsigned: " + s.unsigned());
    }
    if (s.narrowRange() != null) {
      f.add("narrow_range: " + s.narrowRange());
    }
    if (s.calibMethod() != null) {
      f.add("calib_method: " + quoted(s.calibMethod()));
    }
    if (s.perChannel() != null) {
      f.add("per_channel: " + s.perChannel());
    }
    float[] amax = s.amax();
    if (amax != null) {
      List<String> values = new ArrayList<>();
      for (float a : amax) {
        values.add(exactDecimal(a));
      }
      f.add("amax: " + (amax.length == 1 ? values.get(0) : values.toString()));
    }
    if (s.learnAmax() != null) {
      f.add("learn_amax: " + s.learnAmax());
    }
    if (s.scaleAmax() != null) {
      f.add("scale_amax: " + exactDecimal(s.scaleAmax()));
    }
    if (s.enable() != null) {
      f.add("enable: " + s.enable());
    }
    return "{" + String.join(", ", f) + "}";
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * A float as a YAML float that reads back to the same bits: the shortest decimal when it survives the
   * reader's decimal-to-double-to-float path, else 18 significant digits of its exact value. The exponent
   * always has a sign and the mantissa a point, as YAML 1.1 floats need.
   */
  private static String exactDecimal(float value) {
    String shortest = Float.toString(value).replace('E', 'e').replaceAll("e(\\d)", "e+$1");
    if (Float.floatToIntBits((float) Double.parseDouble(shortest)) == Float.floatToIntBits(value)) {
      return shortest;
    }
    return String.format(java.util.Locale.ROOT, "%.17e", (double) value);
  }

  @Override
  public String toString() {
    return "QuantConfig[residual=" + residual + ", input=" + input + ", weight=" + weight
        + ", residualQuantizer=" + residualSpec + ", overrides=" + overrides + "]";
  }

  /** Builds a {@link QuantConfig}. */
  public static final class Builder {
    private QuantSpec input = QuantSpec.EMPTY;
    private QuantSpec weight = QuantSpec.EMPTY;
    private QuantSpec residualSpec = QuantSpec.EMPTY;
    private boolean residual;
    private final List<NameOverride> overrides = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the spec laid over every input quantizer.
     *
     * @param spec the spec
     * @return this builder
     */
    public Builder input(QuantSpec spec) {
      this.input = requireSpec(spec, "input");
      return this;
    }

    /**
     * Sets the spec laid over every weight quantizer.
     *
     * @param spec the spec
     * @return this builder
     */
    public Builder weight(QuantSpec spec) {
      this.weight = requireSpec(spec, "weight");
      return this;
    }

    /**
     * Sets the spec laid over every residual quantizer.
     *
     * @param spec the spec
     * @return this builder
     */
    public Builder residualQuantizer(QuantSpec spec) {
      this.residualSpec = requireSpec(spec, "residual_quantizer");
      return this;
    }

    /**
     * Sets whether ElementWiseVertex Add vertices quantize their identity input.
     *
     * @param residual the flag
     * @return this builder
     */
    public Builder residual(boolean residual) {
      this.residual = residual;
      return this;
    }

    /**
     * Adds a wildcard override; later overrides win over earlier ones.
     *
     * @param glob the quantizer-name pattern
     * @param spec the fields it sets
     * @return this builder
     */
    public Builder override(String glob, QuantSpec spec) {
      overrides.add(new NameOverride(glob, spec));
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the immutable configuration
     */
    public QuantConfig build() {
      return new QuantConfig(this);
    }

    private static QuantSpec requireSpec(QuantSpec spec, String role) {
      if (spec == null) {
        throw new IllegalArgumentException(role + " spec must not be null");
      }
      return spec;
    }
  }

}
