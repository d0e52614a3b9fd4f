package org.quant4j.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads the state of a network's quantizers (every amax, per-channel included, and every
 * flag) as JSON keyed by quantizer name, bit-exactly: each amax is written as float32 bit patterns
 * beside its readable values.
 *
 * <pre>{@code
 * {"format": "quant4j-quantizer-state", "version": 1,
 *  "quantizers": {"layer0._weight_quantizer": {"enabled": true, "quant": true, "calib": false,
 *     "clip": false, "amax": {"shape": [6, 1, 1, 1], "data": [...], "bits": ["3f..", ...]}}}}
 * }</pre>
 *
 * <p>With {@code ModelSerializer}, the state is kept in a sibling file {@code <model>.quant4j.json}
 * written and read automatically by the woven {@code writeModel}/{@code restore*} file overloads (see
 * {@link ModelSerializerInstrumentation}); the DL4J zip stays untouched.
 */
public final class QuantState {

  private static final Logger LOG = LoggerFactory.getLogger(QuantState.class);
  private static final String FORMAT = "quant4j-quantizer-state";
  private static final int VERSION = 1;

  private QuantState() {}

  /**
   * Writes the quantizer state of a network (atomically: a temporary file, then a rename).
   *
   * @param model the network
   * @param file the JSON file to write
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if an argument is null
   */
  public static void save(Model model, Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    ObjectNode all = root.putObject("quantizers");
    quantizers.forEach((name, q) -> {
      ObjectNode n = all.putObject(name);
      n.put("enabled", q.isEnabled());
      n.put("quant", q.isQuantEnabled());
      n.put("calib", q.isCalibEnabled());
      n.put("clip", q.isClipEnabled());
      INDArray amax = q.amax();
      if (amax == null) {
        n.putNull("amax");
      } else {
        writeAmax(n.putObject("amax"), amax);
      }
    });
    Path abs = file.toAbsolutePath();
    Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
    try {
      mapper.writeValue(tmp.toFile(), root);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeAmax(ObjectNode n, INDArray amax) {
    INDArray f = amax.castTo(DataType.FLOAT).dup('c');
    ArrayNode shape = n.putArray("shape");
    for (long s : f.shape()) {
      shape.add(s);
    }
    float[] v = f.length() == 0 ? new float[0] : f.data().asFloat();
    ArrayNode data = n.putArray("data");
    ArrayNode bits = n.putArray("bits");
    for (float x : v) {
      if (Float.isFinite(x)) {
        data.add(x);
      } else {
        data.add(Float.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
      }
      bits.add(String.format("%08x", Float.floatToRawIntBits(x)));
    }
  }

  /**
   * Loads quantizer state strictly: the file must name exactly the model's quantizers.
   *
   * @param model the network
   * @param file the JSON file
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if names differ (the message lists them) or the file is invalid
   */
  public static void load(Model model, Path file) throws IOException {
    load(model, file, true);
  }

  /**
   * Loads quantizer state. The quantizers named in both the file and the model get the file's amax
   * and flags. Names only in the file or only in the model are an error listing them when
   * {@code strict}, a warning otherwise.
   *
   * @param model the network
   * @param file the JSON file
   * @param strict whether mismatched names are an error
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if strict and names differ, or the file is invalid
   */
  public static void load(Model model, Path file, boolean strict) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !FORMAT.equals(root.path("format").asText()) || !root.path("quantizers").isObject()) {
      throw new IllegalArgumentException("file " + file + " is not a quant4j quantizer state file (format "
          + FORMAT + ")");
    }
    JsonNode all = root.get("quantizers");
    Set<String> unexpected = new LinkedHashSet<>();
    for (Iterator<String> it = all.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!quantizers.containsKey(name)) {
        unexpected.add(name);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String name : quantizers.keySet()) {
      if (!all.has(name)) {
        missing.add(name);
      }
    }
    if (!unexpected.isEmpty() || !missing.isEmpty()) {
      String msg = "quantizer names in " + file + " do not match the model: in the file but not the model "
          + unexpected + "; in the model but not the file " + missing;
      if (strict) {
        throw new IllegalArgumentException(msg);
      }
      LOG.warn("quant4j: {} (loading the {} that match)", msg,
          quantizers.size() - missing.size());
    }
    for (Map.Entry<String, TensorQuantizer> e : quantizers.entrySet()) {
      JsonNode n = all.get(e.getKey());
      if (n != null) {
        apply(e.getKey(), e.getValue(), n);
      }
    }
  }

  private static void apply(String name, TensorQuantizer q, JsonNode n) {
    JsonNode amax = n.get("amax");
    if (amax != null && !amax.isNull()) {
      q.setAmax(readAmax(name, amax));
    }
    JsonNode clip = n.get("clip");
    if (clip != null && clip.asBoolean() != q.isClipEnabled()) {
      flag(clip, q::enableClip, q::disableClip);
    }
    flag(n.get("quant"), q::enableQuant, q::disableQuant);
    flag(n.get("calib"), q::enableCalib, q::disableCalib);
    flag(n.get("enabled"), q::enable, q::disable);
  }

  private static void flag(JsonNode value, Runnable on, Runnable off) {
    if (value != null && !value.isNull()) {
      (value.asBoolean() ? on : off).run();
    }
  }

  private static INDArray readAmax(String name, JsonNode n) {
    JsonNode shapeNode = n.get("shape");
    JsonNode bits = n.get("bits");
    if (shapeNode == null || !shapeNode.isArray() || bits == null || !bits.isArray()) {
      throw new IllegalArgumentException("amax of " + name + " must have shape and bits arrays, got " + n);
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      count *= shape[i];
    }
    if (count != bits.size()) {
      throw new IllegalArgumentException("amax of " + name + " has shape " + Arrays.toString(shape)
          + " but " + bits.size() + " values");
    }
    float[] v = new float[bits.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.intBitsToFloat(Integer.parseUnsignedInt(bits.get(i).asText(), 16));
    }
    return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.create(v, shape, 'c');
  }
}
