package test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.processing.Generated;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * {@link Linear} with its {@code @QuantInput} parameters and {@code @QuantWeight} weights
 * fake-quantized by {@link TensorQuantizer}s before its own code runs.
 *
 * <p>Generated from {@link Linear} by the quant4j annotation processor.
 */
@Generated("org.quant4j.processor.QuantizeProcessor")
public class QuantLinear extends Linear implements QuantModule {
  /**
   * How {@code @QuantInput} parameters are quantized unless a constructor is given a
   * descriptor.
   */
  public static final QuantDescriptor DEFAULT_QUANT_DESC_INPUT = QuantDescriptor.builder()
      .calibMethod("histogram").build();

  /**
   * How {@code @QuantWeight} weights are quantized unless a constructor is given a
   * descriptor.
   */
  public static final QuantDescriptor DEFAULT_QUANT_DESC_WEIGHT = QuantDescriptor.builder()
      .numBits(4).axis(0).build();

  private final TensorQuantizer inputQuantizer;

  private final TensorQuantizer weightQuantizer;

  /**
   * Mirrors {@link Linear#Linear(INDArray, INDArray)},
   * quantizing with the default descriptors.
   */
  public QuantLinear(INDArray weight, INDArray bias) {
    this(weight, bias, DEFAULT_QUANT_DESC_INPUT, DEFAULT_QUANT_DESC_WEIGHT);
  }

  /**
   * Mirrors {@link Linear#Linear(INDArray, INDArray)},
   * quantizing with the given descriptors.
   *
   * @param quantDescInput how {@code @QuantInput} parameters are quantized
   * @param quantDescWeight how {@code @QuantWeight} weights are quantized
   */
  public QuantLinear(INDArray weight, INDArray bias, QuantDescriptor quantDescInput,
      QuantDescriptor quantDescWeight) {
    super(weight, bias);
    this.inputQuantizer = QuantModule.newQuantizer("quantDescInput", quantDescInput);
    this.weightQuantizer = QuantModule.newQuantizer("quantDescWeight", quantDescWeight);
  }

  /**
   * Mirrors {@link Linear#Linear(int, int)},
   * quantizing with the default descriptors.
   */
  protected QuantLinear(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, DEFAULT_QUANT_DESC_INPUT, DEFAULT_QUANT_DESC_WEIGHT);
  }

  /**
   * Mirrors {@link Linear#Linear(int, int)},
   * quantizing with the given descriptors.
   *
   * @param quantDescInput how {@code @QuantInput} parameters are quantized
   * @param quantDescWeight how {@code @QuantWeight} weights are quantized
   */
  protected QuantLinear(int inFeatures, int outFeatures, QuantDescriptor quantDescInput,
      QuantDescriptor quantDescWeight) {
    super(inFeatures, outFeatures);
    this.inputQuantizer = QuantModule.newQuantizer("quantDescInput", quantDescInput);
    this.weightQuantizer = QuantModule.newQuantizer("quantDescWeight", quantDescWeight);
  }

  /**
   * Quantizes {@code input} with {@link #inputQuantizer()}, then runs
   * {@link Linear#forward(INDArray)}.
   */
  @Override
  public INDArray forward(INDArray input) {
    return super.forward(inputQuantizer.apply(input));
  }

  /**
   * Returns the result of {@link Linear#weight()}
   * quantized by {@link #weightQuantizer()}.
   */
  @Override
  public INDArray weight() {
    return weightQuantizer.apply(super.weight());
  }

  /**
   * The quantizer of the {@code @QuantInput} parameters, named {@code _input_quantizer} in
   * {@link #quantizers()}.
   *
   * @return the input quantizer
   */
  public TensorQuantizer inputQuantizer() {
    return inputQuantizer;
  }

  /**
   * The quantizer of the {@code @QuantWeight} weights, named {@code _weight_quantizer} in
   * {@link #quantizers()}.
   *
   * @return the weight quantizer
   */
  public TensorQuantizer weightQuantizer() {
    return weightQuantizer;
  }

  @Override
  public Map<String, TensorQuantizer> quantizers() {
    Map<String, TensorQuantizer> quantizers = new LinkedHashMap<>();
    quantizers.put("_input_quantizer", inputQuantizer);
    quantizers.put("_weight_quantizer", weightQuantizer);
    return Collections.unmodifiableMap(quantizers);
  }
}
