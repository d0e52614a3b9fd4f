package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.onnx.QdqParams;

/**
 * Replays {@code onnx_export} files. The reference's network (QuantConv2d → ReLU → QuantConv2d, plus a
 * residual TensorQuantizer on the ReLU output added to it, → Flatten → QuantLinear) is rebuilt as a
 * DL4J ComputationGraph from the file's parameters (sizes read from their shapes, "same" padding),
 * its quantizers given the file's amax, exported, and compared with each recorded export: graph
 * structure, scales, zero points and axes ({@link GoldenOnnxGraph}), and the output of the export run
 * in ONNX Runtime against the reference's torch output. Recorded errors (per-channel at opset 10,
 * narrow-range signed, uncalibrated) must be refused. The single-quantizer exports are replayed as a
 * one-layer network whose input quantizer is the quantizer.
 *
 * <p>Output bound: torch fake-quantizes with {@code x * (127/amax)} and ONNX Runtime with
 * {@code x / (amax/127)}, and the two networks accumulate in different orders, so a value within an
 * ulp of a rounding boundary can land one quantization step apart. The comparison allows one such
 * step on one element of the last layer's quantized input, propagated through that layer
 * ({@code step * max|W|}), plus float32 accumulation error ({@code 1e-5 * (1 + max|y|)}); a single
 * quantizer's output may differ by one step per element.
 */
public final class OnnxExportReplayer implements KindReplayer {

  private static final String RESIDUAL = "residual_quantizer";

  @Override
  public String kind() {
    return "onnx_export";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    JsonNode exports = file.get("exports");
    for (int i = 0; i < exports.size(); i++) {
      JsonNode export = exports.get(i);
      int opset = export.get("opset").asInt();
      String id = "exports[" + i + "] opset " + opset + (export.has("variant") ? " (" + export.get("variant").asText() + ")" : "");
      JsonNode amax = export.has("quantizer_amax") ? export.get("quantizer_amax") : file.get("quantizer_amax");
      if (export.has("error")) {
        out.check(id + " is refused",
            () -> expectRefusal(export.get("error"), () -> exportNet(file, amax, opset)));
        continue;
      }
      out.check(id + " graph", () -> GoldenOnnxGraph.assertMatches(exportNet(file, amax, opset), export.get("graph")));
      JsonNode torchOut = export.has("output_torch") ? export.get("output_torch") : file.get("output_torch");
      out.check(id + " onnxruntime output", () -> {
        INDArray y = OnnxRuntimeRunner.run(exportNet(file, amax, opset), "input", GoldenTensors.decode(file.get("input")));
        float step = GoldenTensors.decodeFloats(amax.get("fc._input_quantizer"))[0] / 127f;
        double maxW = GoldenTensors.decode(file.get("params").get("fc.weight")).amaxNumber().doubleValue();
        INDArray want = GoldenTensors.decode(torchOut);
        double bound = step * maxW + 1e-5 * (1 + want.amaxNumber().doubleValue());
        GoldenTensors.assertClose("ONNX Runtime output vs torch", y, torchOut, bound, 0);
      });
    }
    for (JsonNode single : file.get("single_quantizer_exports")) {
      String id = "single " + single.get("id").asText();
      if (single.has("error")) {
        out.check(id + " is refused", () -> expectRefusal(single.get("error"), () -> exportSingle(single)));
        continue;
      }
      out.check(id + " graph", () -> GoldenOnnxGraph.assertMatches(exportSingle(single), single.get("graph")));
      out.check(id + " onnxruntime output", () -> {
        INDArray y = OnnxRuntimeRunner.run(exportSingle(single), "input", GoldenTensors.decode(single.get("input")));
        double step = GoldenTensors.decode(single.get("amax")).amaxNumber().doubleValue()
            / (isTrue(single.get("descriptor_kwargs"), "unsigned") ? 255.0 : 127.0);
        GoldenTensors.assertClose("ONNX Runtime output vs torch", y, single.get("output_torch"), step * 1.0001, 0);
      });
    }
  }

  private static void expectRefusal(JsonNode error, CaseReporter.CaseCheck export) throws Exception {
    try {
      export.run();
    } catch (IllegalArgumentException refused) {
      ReferenceErrors.assertSameError(error, refused);
      return;
    }
    throw new AssertionError("the reference refuses this export, quant4j exported it");
  }

  /** The reference network as a DL4J ComputationGraph, exported with the given amax at an opset. */
  static byte[] exportNet(JsonNode file, JsonNode amax, int opset) {
    JsonNode params = file.get("params");
    INDArray conv1W = GoldenTensors.decode(params.get("conv1.weight"));
    INDArray conv2W = GoldenTensors.decode(params.get("conv2.weight"));
    INDArray fcW = GoldenTensors.decode(params.get("fc.weight"));
    long[] input = GoldenTensors.shape(file.get("input"));
    ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
        .addInputs("input")
        .addLayer("conv1", conv(conv1W), "input")
        .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "conv1")
        .addLayer("conv2", conv(conv2W), "relu")
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "relu")
        .addLayer("fc", new OutputLayer.Builder().nIn(fcW.size(1)).nOut(fcW.size(0)).activation(Activation.IDENTITY)
            .lossFunction(LossFunctions.LossFunction.MSE).build(), "add")
        .setOutputs("fc")
        .setInputTypes(InputType.convolutional(input[2], input[3], input[1]))
        .build());
    net.init();
    net.getLayer("conv1").setParam("W", conv1W);
    net.getLayer("conv1").setParam("b", GoldenTensors.decode(params.get("conv1.bias")));
    net.getLayer("conv2").setParam("W", conv2W);
    net.getLayer("conv2").setParam("b", GoldenTensors.decode(params.get("conv2.bias")));
    net.getLayer("fc").setParam("W", fcW.transpose());
    net.getLayer("fc").setParam("b", GoldenTensors.decode(params.get("fc.bias")));
    Map<String, QdqParams> quantizers = new LinkedHashMap<>();
    amax.fields().forEachRemaining(e -> {
      String name = e.getKey().equals(RESIDUAL) ? "add._residual_quantizer" : e.getKey();
      INDArray value = GoldenTensors.decode(e.getValue());
      // torch's Linear weight is [out, in]; DL4J's is [in, out], so its per-row amax transposes too
      if (name.equals("fc._weight_quantizer") && value.rank() == 2) {
        value = value.transpose();
      }
      quantizers.put(name, new QdqParams(name, 8, false, false, value));
    });
    // the reference writes float biases
    return OnnxExport.toBytes(net, quantizers, input, ExportOptions.builder().opset(opset).int32Bias(false).build());
  }

  private static ConvolutionLayer conv(INDArray w) {
    int k = (int) w.size(2);
    return new ConvolutionLayer.Builder(k, (int) w.size(3)).nIn(w.size(1)).nOut(w.size(0))
        .padding(k / 2, (int) w.size(3) / 2).activation(Activation.IDENTITY).build();
  }

  /** One quantizer as the input quantizer of an identity layer. */
  static byte[] exportSingle(JsonNode single) {
    JsonNode kwargs = single.has("descriptor_kwargs") ? single.get("descriptor_kwargs") : null;
    INDArray amax = single.has("amax") ? GoldenTensors.decode(single.get("amax"))
        : kwargs != null && kwargs.has("amax") ? Nd4j.scalar(DataType.FLOAT, kwargs.get("amax").floatValue()) : null;
    int numBits = kwargs != null && kwargs.has("num_bits") ? kwargs.get("num_bits").asInt() : 8;
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new ActivationLayer.Builder().name("quantizer").activation(Activation.IDENTITY).build()).build());
    net.init();
    QdqParams q = new QdqParams("quantizer._input_quantizer", numBits, isTrue(kwargs, "unsigned"),
        isTrue(kwargs, "narrow_range"), amax);
    long[] shape = single.has("input") ? GoldenTensors.shape(single.get("input")) : new long[] {1, 4, 3, 3};
    return OnnxExport.toBytes(net, Map.of(q.name(), q), shape, ExportOptions.defaults());
  }

  private static boolean isTrue(JsonNode kwargs, String key) {
    return kwargs != null && kwargs.has(key) && kwargs.get(key).asBoolean();
  }
}
