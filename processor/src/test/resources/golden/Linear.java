package test;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.annotations.QuantDesc;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;

/** A fully connected layer, {@code y = x W^T + b}, as torch.nn.Linear. */
@Quantize(
    input = @QuantDesc(calibMethod = "histogram"),
    weight = @QuantDesc(numBits = 4, axis = 0))
public class Linear {
  private final INDArray weight;
  private final INDArray bias;

  public Linear(INDArray weight, INDArray bias) {
    this.weight = weight;
    this.bias = bias;
  }

  protected Linear(int inFeatures, int outFeatures) {
    this(Nd4j.ones(outFeatures, inFeatures), Nd4j.zeros(outFeatures));
  }

  private Linear() {
    this(1, 1);
  }

  public INDArray forward(@QuantInput INDArray input) {
    return input.mmul(weight().transpose()).addiRowVector(bias);
  }

  @QuantWeight
  public INDArray weight() {
    return weight;
  }

  public INDArray bias() {
    return bias;
  }
}
