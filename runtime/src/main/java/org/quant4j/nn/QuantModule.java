package org.quant4j.nn;

import java.util.Map;
import org.quant4j.tensor.QuantDescriptor;

/**
 * A module that owns {@link TensorQuantizer}s: the classes the quant4j annotation processor
 * generates for {@code @Quantize} classes ({@code Quant<Name>}) implement it, and so can
 * hand-written quantized modules. It is how tools find a module's quantizers without reflection,
 * as the reference finds the {@code TensorQuantizer} children of a module.
 */
public interface QuantModule {

  /**
   * The module's quantizers in a fixed order, keyed by the reference's attribute names
   * ({@code _input_quantizer}, then {@code _weight_quantizer}). The map is unmodifiable and its
   * quantizers are the live ones: enabling calibration or loading amax through it affects the
   * module.
   *
   * @return the quantizers by name, in order
   */
  Map<String, TensorQuantizer> quantizers();

  /**
   * Creates the quantizer of one role of a quantized module, checking its descriptor as the
   * reference's {@code QuantMixin.init_quantizer} does: quantized modules only fake-quantize.
   *
   * @param argument the name of the descriptor argument, for the error message
   * @param descriptor the descriptor
   * @return a new enabled quantizer for the descriptor
   * @throws IllegalArgumentException if the descriptor is null or does not fake-quantize
   */
  static TensorQuantizer newQuantizer(String argument, QuantDescriptor descriptor) {
    if (descriptor == null) {
      throw new IllegalArgumentException(argument + " must be a QuantDescriptor, got null");
    }
    if (!descriptor.fakeQuant()) {
      throw new IllegalArgumentException(
          argument + " must fake-quantize (only fake quantization is supported in quantized"
              + " modules, as in the reference), got " + descriptor);
    }
    return new TensorQuantizer(descriptor);
  }
}
