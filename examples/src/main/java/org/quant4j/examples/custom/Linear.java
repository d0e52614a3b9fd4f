package org.quant4j.examples.custom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;

/**
 * A fully connected layer on plain ND4J, {@code y = x W^T + b}, as {@code torch.nn.Linear}: the
 * weight is {@code [outFeatures, inFeatures]}, the bias {@code [outFeatures]}.
 *
 * <p>{@code @Quantize} makes the build generate {@code QuantLinear}, the reference's
 * {@code quant_nn.QuantLinear}: the input is fake-quantized per tensor and the weight per row
 * (axis 0, one amax per output feature), the {@code @Quantize} defaults. {@link #forward} reads
 * the weight through {@link #weight()}, so the generated override of the accessor is what puts the
 * quantized weight into the product.
 */
// [class]
@Quantize                             // input: 8 bit per tensor; weight: 8 bit per row (axis 0)
public class Linear {
// [class]

  private final INDArray weight;
  private final INDArray bias;

  /**
   * A layer with the given parameters, used as they are (not copied).
   *
   * @param weight the weight, {@code [outFeatures, inFeatures]} float32
   * @param bias the bias, {@code [outFeatures]} float32
   * @throws IllegalArgumentException if the shapes do not fit
   */
  public Linear(INDArray weight, INDArray bias) {
    if (weight == null || weight.rank() != 2) {
      throw new IllegalArgumentException(
          "weight must be a [outFeatures, inFeatures] matrix, got "
              + (weight == null ? "null" : weight.shapeInfoToString()));
    }
    if (bias == null || bias.length() != weight.size(0)) {
      throw new IllegalArgumentException(
          "bias must hold " + weight.size(0) + " values (one per output feature), got "
              + (bias == null ? "null" : bias.length()));
    }
    this.weight = weight;
    this.bias = bias.reshape(weight.size(0));
  }

  /**
   * A layer initialized as {@code torch.nn.Linear} does: weight and bias uniform in
   * {@code [-1/sqrt(inFeatures), 1/sqrt(inFeatures)]}.
   *
   * @param inFeatures the input width
   * @param outFeatures the output width
   * @param seed the random seed
   * @throws IllegalArgumentException if a width is not positive
   */
  public Linear(int inFeatures, int outFeatures, long seed) {
    this(uniform(outFeatures, inFeatures, inFeatures, seed), uniform(outFeatures, 1, inFeatures, seed + 1));
  }

  private static INDArray uniform(int rows, int columns, int inFeatures, long seed) {
    if (rows <= 0 || columns <= 0 || inFeatures <= 0) {
      throw new IllegalArgumentException(
          "inFeatures and outFeatures must be positive, got inFeatures=" + inFeatures
              + ", outFeatures=" + rows);
    }
    double bound = 1.0 / Math.sqrt(inFeatures);
    INDArray u = Nd4j.rand(seed, new long[] {rows, columns}).castTo(DataType.FLOAT);
    return u.muli(2 * bound).subi(bound);
  }

  /**
   * Computes {@code input W^T + b}.
   *
   * @param input the batch, {@code [batch, inFeatures]}
   * @return a new {@code [batch, outFeatures]} array
   */
// [class]

  public INDArray forward(@QuantInput INDArray input) {
    return input.mmul(weight().transpose()).addiRowVector(bias);
  }
// [class]

  /**
   * The weight the layer computes with.
   *
   * @return the {@code [outFeatures, inFeatures]} weight
   */
// [class]

  @QuantWeight
  public INDArray weight() {
    return weight;
  }
// [class]

  /**
   * The bias, never quantized (as in the reference).
   *
   * @return the {@code [outFeatures]} bias
   */
  public INDArray bias() {
    return bias;
  }
// [class]
}
// [class]
