package test;

import java.io.IOException;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.Quantize;

/** A pooling block with only inputs to quantize, generic, with varargs and checked exceptions. */
@Quantize
public abstract class Pool<T extends Number> {
  private final T size;

  Pool(T size) {
    this.size = size;
  }

  <S extends Supplier<T>> Pool(S size, int... dims) throws IOException {
    this(size.get());
  }

  public <L extends CharSequence> INDArray forward(@QuantInput INDArray x, L label, int... dims)
      throws IOException, InterruptedException {
    return x;
  }

  protected void accumulate(@QuantInput INDArray... xs) {}

  @Deprecated
  protected abstract T size();
}
