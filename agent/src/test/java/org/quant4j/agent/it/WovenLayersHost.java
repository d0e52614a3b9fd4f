package org.quant4j.agent.it;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.WovenQuantizers;
import org.quant4j.examples.custom.Linear;
import org.quant4j.examples.custom.MaxPool2d;
import org.quant4j.examples.custom.QuantLinear;
import org.quant4j.examples.custom.QuantMaxPool2d;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

/**
 * Runs the examples' {@code @Quantize} layers two ways in one JVM under the agent: {@code Linear} and
 * {@code MaxPool2d} woven in place, and the processor's {@code QuantLinear} and {@code QuantMaxPool2d}, on the same
 * parameters and inputs, and prints {@code key=value} facts for {@code QuantizeWeavingIT} to check.
 */
public final class WovenLayersHost {
  private WovenLayersHost() {}

  /**
   * Prints the facts.
   *
   * @param args none
   */
  public static void main(String[] args) {
    INDArray w = uniform(1, 8, 16);
    INDArray b = uniform(2, 8);
    List<INDArray> batches = List.of(uniform(3, 4, 16), uniform(4, 4, 16), uniform(5, 4, 16));
    INDArray x = uniform(6, 5, 16).muli(1.5);

    Linear woven = new Linear(w, b);
    QuantLinear generated = new QuantLinear(w, b);
    Map<String, TensorQuantizer> wovenQuantizers = WovenQuantizers.of(woven);
    print("linear.woven.quantizers", wovenQuantizers);
    print("linear.generated.quantizers", generated.quantizers());
    INDArray dynamic = woven.forward(x);
    print("linear.dynamic.identical", same(dynamic, generated.forward(x)));
    print("linear.dynamic.quantized", !same(dynamic, x.mmul(w.transpose()).addiRowVector(b)));

    calibrate(wovenQuantizers, batches, woven::forward);
    calibrate(generated.quantizers(), batches, generated::forward);
    print("linear.calibrated.quantizers", wovenQuantizers);
    print("linear.calibrated.amax.identical",
        same(wovenQuantizers.get("_input_quantizer").amax(), generated.inputQuantizer().amax())
            && same(wovenQuantizers.get("_weight_quantizer").amax(), generated.weightQuantizer().amax()));
    print("linear.calibrated.identical", same(woven.forward(x), generated.forward(x)));

    // The generated class already quantizes: the woven Linear it extends must not quantize again (with its 8 bits).
    QuantDescriptor input4 = QuantDescriptor.builder().numBits(4).build();
    QuantDescriptor weight4 = QuantDescriptor.builder().numBits(4).axis(0).build();
    INDArray byHand = new TensorQuantizer(input4).apply(x)
        .mmul(new TensorQuantizer(weight4).apply(w).transpose()).addiRowVector(b);
    print("linear.generated.quantizedOnce", same(new QuantLinear(w, b, input4, weight4).forward(x), byHand));

    // A failing quantizer (an amax of the wrong shape) leaves the instance in float, logged once per class.
    for (int i = 0; i < 2; i++) {
      Linear broken = new Linear(w, b);
      WovenQuantizers.of(broken).get("_weight_quantizer").setAmax(Nd4j.ones(DataType.FLOAT, 3, 1));
      broken.forward(x);
      print("linear.broken" + i + ".float", same(broken.forward(x), x.mmul(w.transpose()).addiRowVector(b)));
    }

    INDArray image = uniform(7, 2, 3, 6, 6);
    MaxPool2d wovenPool = new MaxPool2d(2);
    QuantMaxPool2d generatedPool = new QuantMaxPool2d(2);
    print("pool.woven.quantizers", WovenQuantizers.of(wovenPool));
    INDArray pooled = wovenPool.forward(image);
    print("pool.identical", same(pooled, generatedPool.forward(image)));
    WovenQuantizers.of(wovenPool).get("_input_quantizer").disable();
    print("pool.quantized", !same(pooled, wovenPool.forward(image)));
  }

  private static void calibrate(Map<String, TensorQuantizer> quantizers, List<INDArray> batches,
      UnaryOperator<INDArray> forward) {
    quantizers.values().forEach(q -> {
      q.disableQuant();
      q.enableCalib();
    });
    batches.forEach(forward::apply);
    quantizers.values().forEach(q -> {
      q.loadCalibAmax();
      q.disableCalib();
      q.enableQuant();
    });
  }

  private static INDArray uniform(long seed, long... shape) {
    return Nd4j.rand(seed, shape).castTo(DataType.FLOAT).subi(0.5).muli(2);
  }

  private static boolean same(INDArray a, INDArray b) {
    return a != null && b != null && a.equalShapes(b)
        && java.util.Arrays.equals(a.dup('c').data().asFloat(), b.dup('c').data().asFloat());
  }

  private static void print(String key, Object value) {
    System.out.println(key + "=" + value);
  }
}
