package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.annotations.QuantDesc;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/** {@code QuantModules.initialize()} weaves {@code @Quantize} classes in-process, as the agent does at load time. */
class WovenQuantizersTest {

  /** Scales its input elementwise by a weight. */
  @Quantize(weight = @QuantDesc(numBits = 4))
  static class Scale {
    private final INDArray weight;

    Scale(INDArray weight) {
      this.weight = weight;
    }

    INDArray forward(@QuantInput INDArray x) {
      return x.mul(weight());
    }

    @QuantWeight
    INDArray weight() {
      return weight;
    }
  }

  @BeforeAll
  static void weave() {
    Networks.build(QuantConfig.DEFAULT, () -> null);
  }

  @Test
  void wovenMethodsQuantizeInputAndWeightWithTheAnnotationsDescriptors() {
    INDArray w = Nd4j.createFromArray(0.3f, -0.71f, 0.05f, 0.9f);
    INDArray x = Nd4j.createFromArray(1.7f, -0.2f, 0.33f, -2.5f);
    Scale scale = new Scale(w);

    INDArray y = scale.forward(x);

    INDArray expected = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR).apply(x)
        .mul(new TensorQuantizer(QuantDescriptor.builder().numBits(4).build()).apply(w));
    assertArrayEquals(expected.toFloatVector(), y.toFloatVector());
    assertEquals(List.of("_input_quantizer", "_weight_quantizer"), List.copyOf(WovenQuantizers.of(scale).keySet()));
    assertArrayEquals(new float[] {0.3f, -0.71f, 0.05f, 0.9f}, w.toFloatVector());
  }

  @Test
  void quantizersAreTheInstancesOwnAndLive() {
    Scale scale = new Scale(Nd4j.ones(DataType.FLOAT, 3));
    Map<String, TensorQuantizer> first = WovenQuantizers.of(scale);
    first.values().forEach(TensorQuantizer::disable);

    INDArray x = Nd4j.createFromArray(0.1234567f, 2f, -3f);

    assertArrayEquals(x.toFloatVector(), scale.forward(x).toFloatVector());
    WovenQuantizers.of(scale).forEach((name, q) -> assertSame(first.get(name), q, name));
    assertEquals(true, WovenQuantizers.of(new Scale(Nd4j.ones(DataType.FLOAT, 3)))
        .get("_input_quantizer").isEnabled());
  }

  @Test
  void anObjectOfAClassNotWovenHasNoQuantizers() {
    assertEquals(0, WovenQuantizers.of("plain").size());
    assertThrows(IllegalArgumentException.class, () -> WovenQuantizers.of(null));
  }
}
