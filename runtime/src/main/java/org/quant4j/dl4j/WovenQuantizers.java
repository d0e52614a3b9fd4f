package org.quant4j.dl4j;

import java.util.Map;
import org.quant4j.dl4j.internal.WovenHooks;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;

/**
 * The quantizers of {@code @Quantize} objects: those of a generated {@code Quant<Name>} ({@link QuantModule}),
 * and those of an instance whose class the agent or {@link QuantModules#initialize()} wove in place, which
 * the instance gets the first time one is needed, from the descriptors of the nearest woven class in its
 * hierarchy, exactly as the generated constructor makes its own. An error while quantizing a woven instance
 * fails the call in-process ({@link QuantizationException}); under the agent it is one line on stderr and that
 * instance runs in float from then on.
 */
public final class WovenQuantizers {

  private WovenQuantizers() {}

  /**
   * The quantizers of an instance of a {@code @Quantize} class, as the generated class's {@code quantizers()} names
   * them: {@code _input_quantizer}, then {@code _weight_quantizer}, each only if the class has that role. For an
   * instance woven in place these are the live quantizers the woven methods use (calibrate through them); for a
   * {@link QuantModule} they are its own {@code quantizers()}.
   *
   * @param instance the object
   * @return the quantizers by name, unmodifiable; empty if the object's class was not woven
   * @throws IllegalArgumentException if instance is null
   */
  public static Map<String, TensorQuantizer> of(Object instance) {
    if (instance == null) {
      throw new IllegalArgumentException("instance must not be null");
    }
    if (instance instanceof QuantModule module) {
      return module.quantizers();
    }
    return WovenHooks.quantizersOf(instance);
  }
}
