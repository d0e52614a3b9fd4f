package org.quant4j.dl4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.annotations.QuantDesc;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;
import org.quant4j.dl4j.internal.QuantizeClassFile.QuantizedMethod;
import org.quant4j.tensor.QuantDescriptor;

class QuantizeClassFileTest {

  @Quantize(
      input = @QuantDesc(numBits = 4, unsigned = true, calibMethod = "histogram", amax = 2.5f, learnAmax = true),
      weight = @QuantDesc(numBits = 6, axis = 1, narrowRange = true, scaleAmax = 0.5f))
  static class Block {
    public INDArray forward(@QuantInput INDArray x, int k, @QuantInput INDArray y) {
      return x;
    }

    protected void accumulate(@QuantInput INDArray... xs) {}

    @QuantWeight
    public INDArray weight() {
      return null;
    }

    public static INDArray helper(@QuantInput INDArray x) {
      return x;
    }

    public INDArray bias() {
      return null;
    }
  }

  @Quantize
  static class Defaults {
    public INDArray forward(@QuantInput INDArray x) {
      return x;
    }

    @QuantWeight
    public INDArray weight() {
      return null;
    }
  }

  @Quantize(weight = @QuantDesc(numBits = 4))
  static class WeightWithoutAxis {
    @QuantWeight
    public INDArray weight() {
      return null;
    }
  }

  @Quantize(input = @QuantDesc(numBits = 20))
  static class BadBits {
    public INDArray forward(@QuantInput INDArray x) {
      return x;
    }
  }

  static class Plain {
    public INDArray forward(INDArray x) {
      return x;
    }
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getName().replaceFirst(".*\\.", "") + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void readsDescriptorValuesAndAnnotatedInstanceMethodsFromInvisibleAnnotations() throws IOException {
    QuantizeClassFile read = QuantizeClassFile.read(classFile(Block.class));

    assertEquals(Block.class.getName(), read.className());
    assertEquals(QuantDescriptor.builder().numBits(4).unsigned(true).calibMethod("histogram").amax(2.5f)
        .learnAmax(true).build(), read.input());
    assertEquals(QuantDescriptor.builder().numBits(6).axis(1).narrowRange(true).scaleAmax(0.5f).build(),
        read.weight());
    String array = "Lorg/nd4j/linalg/api/ndarray/INDArray;";
    assertEquals(List.of(
        new QuantizedMethod("forward", "(" + array + "I" + array + ")" + array, 0b101, false),
        new QuantizedMethod("accumulate", "([" + array + ")V", 0b1, false),
        new QuantizedMethod("weight", "()" + array, 0, true)), read.methods());
    assertTrue(read.hasInput());
    assertTrue(read.hasWeight());
  }

  @Test
  void unsetDescriptorsTakeTheProcessorsDefaults() throws IOException {
    QuantizeClassFile read = QuantizeClassFile.read(classFile(Defaults.class));

    assertEquals(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR, read.input());
    assertEquals(QuantDescriptor.builder().axis(0).build(), read.weight());
  }

  @Test
  void anExplicitWeightDescriptorWithoutAxisIsPerTensor() throws IOException {
    QuantizeClassFile read = QuantizeClassFile.read(classFile(WeightWithoutAxis.class));

    assertEquals(QuantDescriptor.builder().numBits(4).build(), read.weight());
    assertFalse(read.hasInput());
    assertTrue(read.hasWeight());
  }

  @Test
  void aClassWithoutQuantizeIsNotRead() throws IOException {
    assertFalse(QuantizeClassFile.mentionsQuantize(classFile(Plain.class)));
    assertNull(QuantizeClassFile.read(classFile(Plain.class)));
  }

  @Test
  void aDescriptorTheRuntimeRejectsIsAnError() throws IOException {
    byte[] classFile = classFile(BadBits.class);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QuantizeClassFile.read(classFile));
    assertTrue(e.getMessage().contains("20"), e.getMessage());
  }
}
