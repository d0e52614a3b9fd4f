package test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.annotation.processing.Generated;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * {@link Pool} with its {@code @QuantInput} parameters
 * fake-quantized by {@link TensorQuantizer}s before its own code runs.
 *
 * <p>Generated from {@link Pool} by the quant4j annotation processor.
 */
@Generated("org.quant4j.processor.QuantizeProcessor")
public abstract class QuantPool<T extends Number> extends Pool<T> implements QuantModule {
  /**
   * How {@code @QuantInput} parameters are quantized unless a constructor is given a
   * descriptor.
   */
  public static final QuantDescriptor DEFAULT_QUANT_DESC_INPUT = QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR;

  private final TensorQuantizer inputQuantizer;

  /**
   * Mirrors {@link Pool#Pool(Number)},
   * quantizing with the default descriptors.
   */
  QuantPool(T size) {
    this(size, DEFAULT_QUANT_DESC_INPUT);
  }

  /**
   * Mirrors {@link Pool#Pool(Number)},
   * quantizing with the given descriptors.
   *
   * @param quantDescInput how {@code @QuantInput} parameters are quantized
   */
  QuantPool(T size, QuantDescriptor quantDescInput) {
    super(size);
    this.inputQuantizer = QuantModule.newQuantizer("quantDescInput", quantDescInput);
  }

  /**
   * Mirrors {@link Pool#Pool(Supplier, int[])},
   * quantizing with the default descriptors.
   */
  <S extends Supplier<T>> QuantPool(S size, int... dims) throws IOException {
    this(size, dims, DEFAULT_QUANT_DESC_INPUT);
  }

  /**
   * Mirrors {@link Pool#Pool(Supplier, int[])},
   * quantizing with the given descriptors.
   *
   * @param quantDescInput how {@code @QuantInput} parameters are quantized
   */
  <S extends Supplier<T>> QuantPool(S size, int[] dims, QuantDescriptor quantDescInput) throws
      IOException {
    super(size, dims);
    this.inputQuantizer = QuantModule.newQuantizer("quantDescInput", quantDescInput);
  }

  /**
   * Quantizes {@code x} with {@link #inputQuantizer()}, then runs
   * {@link Pool#forward(INDArray, CharSequence, int[])}.
   */
  @Override
  public <L extends CharSequence> INDArray forward(INDArray x, L label, int... dims) throws
      IOException, InterruptedException {
    return super.forward(inputQuantizer.apply(x), label, dims);
  }

  /**
   * Quantizes {@code xs} with {@link #inputQuantizer()}, then runs
   * {@link Pool#accumulate(INDArray[])}.
   */
  @Override
  protected void accumulate(INDArray... xs) {
    super.accumulate(Arrays.stream(xs).map(inputQuantizer).toArray(INDArray[]::new));
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

  @Override
  public Map<String, TensorQuantizer> quantizers() {
    Map<String, TensorQuantizer> quantizers = new LinkedHashMap<>();
    quantizers.put("_input_quantizer", inputQuantizer);
    return Collections.unmodifiableMap(quantizers);
  }
}
