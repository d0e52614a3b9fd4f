package org.quant4j.dl4j.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;

/**
 * The quantizers of {@code @Quantize} objects whose class was woven in place ({@link QuantizeInstrumentation}), kept
 * beside each instance in a weak identity table, and the calls the woven advice makes
 * ({@code org.quant4j.dl4j.WovenQuantizers} is the public way to read them). An instance gets its
 * quantizers the first time one is needed, from the descriptors of the nearest woven class in its hierarchy, exactly
 * as the generated {@code Quant<Name>} constructor makes its own: one input quantizer for every {@code @QuantInput}
 * parameter, one weight quantizer for every {@code @QuantWeight} result.
 *
 * <p>Instances of a {@link QuantModule} (the generated {@code Quant<Name>} subclasses) already quantize, so the woven
 * code leaves them alone. An error while quantizing is logged once per class and that instance runs in float from
 * then on: woven code never breaks the application.
 */
public final class WovenHooks {

  private static final Map<ClassLoader, Map<String, QuantizeClassFile>> CLASSES = new WeakHashMap<>();
  private static final WeakIdentityMap<Object, Woven> INSTANCES = new WeakIdentityMap<>();
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private WovenHooks() {}

  /**
   * The quantizers of a woven instance: what {@code WovenQuantizers.of} returns for an object that is not a
   * {@link QuantModule}.
   *
   * @param instance the object, not null
   * @return the quantizers by name, unmodifiable; empty if the object's class was not woven
   */
  public static Map<String, TensorQuantizer> quantizersOf(Object instance) {
    Woven woven = woven(instance);
    return woven == null ? Map.of() : woven.quantizers;
  }

  /**
   * Called by woven code on entry to a method with {@code @QuantInput} parameters.
   *
   * @param self the instance
   * @param quantizedArguments bit {@code i} set when argument {@code i} is quantized
   * @param arguments all arguments (not modified)
   * @return the arguments to run with: the quantized ones replaced, or {@code arguments} itself
   */
  public static Object[] quantizeArguments(Object self, long quantizedArguments, Object[] arguments) {
    Woven woven = self instanceof QuantModule ? null : woven(self);
    if (woven == null || woven.inFloat || woven.input == null) {
      return arguments;
    }
    try {
      Object[] quantized = arguments.clone();
      for (int i = 0; i < quantized.length && i < Long.SIZE; i++) {
        if ((quantizedArguments >>> i & 1) != 0) {
          quantized[i] = quantizeInput(woven.input, quantized[i]);
        }
      }
      return quantized;
    } catch (RuntimeException e) {
      woven.fallBack(self, "quantizing an input", e);
      return arguments;
    }
  }

  /**
   * Called by woven code on return from a {@code @QuantWeight} accessor.
   *
   * @param self the instance
   * @param result what the accessor returned
   * @return the quantized result, or {@code result} itself
   */
  public static Object quantizeResult(Object self, Object result) {
    Woven woven = self instanceof QuantModule ? null : woven(self);
    if (woven == null || woven.inFloat || woven.weight == null || !(result instanceof INDArray weight)) {
      return result;
    }
    try {
      return woven.weight.apply(weight);
    } catch (RuntimeException e) {
      woven.fallBack(self, "quantizing a weight", e);
      return result;
    }
  }

  /**
   * Records a class being woven, so its instances find their descriptors.
   *
   * @param loader the class loader defining it
   * @param classFile what its annotations say
   */
  public static synchronized void register(ClassLoader loader, QuantizeClassFile classFile) {
    CLASSES.computeIfAbsent(loader, l -> new HashMap<>()).put(classFile.className(), classFile);
  }

  private static synchronized QuantizeClassFile registered(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      Map<String, QuantizeClassFile> classes = CLASSES.get(c.getClassLoader());
      QuantizeClassFile file = classes == null ? null : classes.get(c.getName());
      if (file != null) {
        return file;
      }
    }
    return null;
  }

  private static Woven woven(Object instance) {
    Woven woven = INSTANCES.get(instance);
    if (woven != null) {
      return woven;
    }
    QuantizeClassFile file = registered(instance.getClass());
    return file == null ? null : INSTANCES.computeIfAbsent(instance, i -> Woven.create(i, file));
  }

  private static Object quantizeInput(TensorQuantizer input, Object argument) {
    if (argument instanceof INDArray x) {
      return input.apply(x);
    }
    if (argument instanceof INDArray[] xs) {
      INDArray[] quantized = new INDArray[xs.length];
      for (int i = 0; i < xs.length; i++) {
        quantized[i] = xs[i] == null ? null : input.apply(xs[i]);
      }
      return quantized;
    }
    return argument;
  }

  /** One instance's quantizers. */
  private static final class Woven {
    final TensorQuantizer input;
    final TensorQuantizer weight;
    final Map<String, TensorQuantizer> quantizers;
    volatile boolean inFloat;

    private Woven(TensorQuantizer input, TensorQuantizer weight, boolean inFloat) {
      this.input = input;
      this.weight = weight;
      Map<String, TensorQuantizer> map = new LinkedHashMap<>();
      if (input != null) {
        map.put("_input_quantizer", input);
      }
      if (weight != null) {
        map.put("_weight_quantizer", weight);
      }
      this.quantizers = Collections.unmodifiableMap(map);
      this.inFloat = inFloat;
    }

    static Woven create(Object instance, QuantizeClassFile file) {
      try {
        return new Woven(
            file.hasInput() ? QuantModule.newQuantizer("input", file.input()) : null,
            file.hasWeight() ? QuantModule.newQuantizer("weight", file.weight()) : null,
            false);
      } catch (RuntimeException e) {
        Woven inFloat = new Woven(null, null, true);
        inFloat.fallBack(instance, "creating its quantizers", e);
        return inFloat;
      }
    }

    void fallBack(Object instance, String what, RuntimeException e) {
      String type = instance.getClass().getName();
      if (!HookFailures.leavesInFloat() || LOGGED.add(type)) {
        HookFailures.failed("a " + type, what, e);
      }
      inFloat = true;
    }
  }
}
