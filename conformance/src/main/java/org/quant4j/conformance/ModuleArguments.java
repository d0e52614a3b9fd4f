package org.quant4j.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * The quantization arguments of a torch quant module's constructor call, checked the way quant4j
 * checks its own equivalents. The reference's {@code QuantMixin} takes the torch module's own
 * arguments by name and pops {@code quant_desc_input}/{@code quant_desc_weight} from the rest; what
 * is left over is an error ("Unused keys"). quant4j's counterparts are:
 *
 * <ul>
 *   <li>a descriptor argument → {@link QuantModule#newQuantizer}, which refuses a descriptor that does
 *       not fake-quantize, as the reference's {@code ValueError("Only fake quantization is
 *       supported!")};
 *   <li>any other leftover argument → a key of a {@link QuantConfig} override for that layer, which
 *       refuses unknown keys by name, as the reference's {@code TypeError("Unused keys: ...")}.
 * </ul>
 *
 * <p>The torch module's own arguments (sizes, stride, padding mode, ...) are not quant4j's to check:
 * {@link ModuleLayer} maps them onto a DL4J layer, or reports the case as not replayed.
 */
final class ModuleArguments {

  private static final Set<String> LINEAR = Set.of("in_features", "out_features", "bias");
  private static final Set<String> CONV = Set.of("in_channels", "out_channels", "kernel_size", "stride",
      "padding", "dilation", "groups", "bias", "padding_mode");
  private static final Set<String> CONV_TRANSPOSE = Set.of("in_channels", "out_channels", "kernel_size",
      "stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode");
  private static final Set<String> POOL = Set.of("kernel_size", "stride", "padding", "dilation",
      "return_indices", "ceil_mode", "count_include_pad", "divisor_override", "output_size");
  private static final Set<String> INSTANCE_NORM = Set.of("num_features", "eps", "momentum", "affine",
      "track_running_stats");
  private static final Set<String> LSTM = Set.of("input_size", "hidden_size", "num_layers", "bias",
      "batch_first", "dropout", "bidirectional", "proj_size");
  private static final List<String> DESCRIPTOR_ARGUMENTS = List.of("quant_desc_input", "quant_desc_weight");

  private ModuleArguments() {}

  /**
   * Checks a call's quantization arguments as quant4j would: descriptors build quantizers through
   * {@link QuantModule#newQuantizer}, leftover keywords become a {@link QuantConfig} override of a
   * layer named after the module class.
   *
   * @param call the module call
   * @return the quantizers built from the call's descriptor arguments, by argument name
   * @throws IllegalArgumentException where quant4j refuses the arguments, with quant4j's message
   */
  static Map<String, TensorQuantizer> check(ModuleCall call) {
    Set<String> own = torchArguments(call.className());
    Map<String, TensorQuantizer> quantizers = new LinkedHashMap<>();
    Map<String, Object> leftover = new LinkedHashMap<>();
    call.keywords().forEach((name, text) -> {
      if (DESCRIPTOR_ARGUMENTS.contains(name)) {
        quantizers.put(name, QuantModule.newQuantizer(name, descriptor(text)));
      } else if (!own.contains(name)) {
        leftover.put(name, PythonCallText.literal(text));
      }
    });
    if (!leftover.isEmpty()) {
      StringBuilder yaml = new StringBuilder("overrides:\n  - name: \"" + call.className() + "\"\n");
      leftover.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(yamlValue(v)).append('\n'));
      QuantConfig.parse(yaml.toString());
    }
    return quantizers;
  }

  /** A descriptor argument: {@code QD(...)}/{@code QuantDescriptor(...)} keywords, or a constant's name. */
  private static QuantDescriptor descriptor(String text) {
    for (String function : List.of("QuantDescriptor", "QD")) {
      if (text.startsWith(function + "(")) {
        return QuantDescriptor.fromMap(PythonCallText.of(text, function).keywords());
      }
    }
    try {
      return (QuantDescriptor) QuantDescriptor.class.getField(text).get(null);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalArgumentException(
          "a descriptor argument must be QD(...) or a QuantDescriptor constant, got " + text, e);
    }
  }

  private static String yamlValue(Object v) {
    return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }

  private static Set<String> torchArguments(String className) {
    String torch = className.startsWith("Quant") ? className.substring("Quant".length()) : className;
    if (torch.equals("Linear")) {
      return LINEAR;
    }
    if (torch.startsWith("ConvTranspose")) {
      return CONV_TRANSPOSE;
    }
    if (torch.startsWith("Conv")) {
      return CONV;
    }
    if (torch.contains("Pool")) {
      return POOL;
    }
    if (torch.startsWith("InstanceNorm")) {
      return INSTANCE_NORM;
    }
    if (torch.startsWith("LSTM")) {
      return LSTM;
    }
    throw new IllegalArgumentException("no torch signature known for module " + className);
  }
}
