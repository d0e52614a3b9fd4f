package org.quant4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Walks a MultiLayerNetwork (layers in order, each after its preprocessor) or a ComputationGraph
 * (vertices in DL4J's topological order) and writes each as ONNX nodes, tracking DL4J's activation
 * types so that padding and reshapes are exact.
 */
final class NetworkExporter {

  private NetworkExporter() {}

  /**
   * Exports a network.
   *
   * @param net a MultiLayerNetwork or ComputationGraph with one input
   * @param quantizers the enabled quantizers by name
   * @param inputShape the input shape, batch first, channels first
   * @param options the options
   * @return the model
   * @throws IllegalArgumentException for a bad shape, an unsupported layer, vertex, preprocessor or
   *     activation, or a quantizer ONNX cannot express
   */
  static ModelProto export(Model net, Map<String, QdqParams> quantizers, long[] inputShape, ExportOptions options) {
    InputType inputType = inputType(inputShape);
    ExportContext ctx = new ExportContext(options, quantizers);
    long[] declared = inputShape.clone();
    if (options.dynamicBatch()) {
      declared[0] = -1;
    }
    ctx.graph().declare(options.inputName(), declared, false);
    List<String> outTensors = new ArrayList<>();
    List<InputType> outTypes = new ArrayList<>();
    List<String> defaultNames = new ArrayList<>();
    if (net instanceof MultiLayerNetwork mln) {
      walk(ctx, mln, options.inputName(), inputType, outTensors, outTypes);
      defaultNames.add("output");
    } else if (net instanceof ComputationGraph cg) {
      walk(ctx, cg, options.inputName(), inputType, outTensors, outTypes);
      defaultNames.addAll(outTensors.size() == 1 ? List.of("output") : cg.getConfiguration().getNetworkOutputs());
    } else {
      throw new IllegalArgumentException(
          "net must be a MultiLayerNetwork or ComputationGraph, got " + (net == null ? "null" : net.getClass().getName()));
    }
    ctx.requireAllPlaced();
    List<String> names = options.outputNames().isEmpty() ? defaultNames : options.outputNames();
    if (names.size() != outTensors.size()) {
      throw new IllegalArgumentException(
          "outputNames must name each of the network's " + outTensors.size() + " outputs, got " + names);
    }
    for (int i = 0; i < names.size(); i++) {
      String tensor = outTensors.get(i);
      boolean sharedOrNotProduced =
          !ctx.graph().isNodeOutput(tensor) || outTensors.subList(0, i).contains(tensor)
              || outTensors.subList(i + 1, outTensors.size()).contains(tensor);
      if (sharedOrNotProduced) {
        ctx.graph().renameTensor(ctx.node("", "Identity", List.of(tensor)), names.get(i));
      } else {
        ctx.graph().renameTensor(tensor, names.get(i));
      }
      long[] shape = outTypes.get(i).getShape(true);
      shape[0] = declared[0];
      ctx.graph().declare(names.get(i), shape, true);
    }
    return ctx.graph().toModel(options.opset());
  }

  private static void walk(ExportContext ctx, MultiLayerNetwork net, String input, InputType inputType,
      List<String> outTensors, List<InputType> outTypes) {
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    String tensor = input;
    InputType type = inputType;
    for (int i = 0; i < net.getnLayers(); i++) {
      Layer layer = conf.getConf(i).getLayer();
      String name = layer.getLayerName() != null ? layer.getLayerName() : "layer" + i;
      InputPreProcessor pre = conf.getInputPreProcess(i);
      if (pre != null) {
        PreprocessorExporter.Preprocessed p = PreprocessorExporter.apply(ctx, name, pre, tensor, type);
        tensor = p.tensor();
        type = p.type();
      }
      LayerStep step = new LayerStep(name, layer, net.getLayer(i).paramTable(), tensor, type);
      tensor = LayerExporters.of(step).export(ctx, step);
      type = outputType(layer, type);
    }
    outTensors.add(tensor);
    outTypes.add(type);
  }

  private static void walk(ExportContext ctx, ComputationGraph net, String input, InputType inputType,
      List<String> outTensors, List<InputType> outTypes) {
    ComputationGraphConfiguration conf = net.getConfiguration();
    if (conf.getNetworkInputs().size() != 1) {
      throw new IllegalArgumentException(
          "net must have one input to export, got " + conf.getNetworkInputs().size() + ": " + conf.getNetworkInputs());
    }
    Map<String, String> tensors = new HashMap<>();
    Map<String, InputType> types = new HashMap<>();
    tensors.put(conf.getNetworkInputs().get(0), input);
    types.put(conf.getNetworkInputs().get(0), inputType);
    for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : topologicalOrder(net)) {
      String name = v.getVertexName();
      if (tensors.containsKey(name)) {
        continue;
      }
      GraphVertex vertex = conf.getVertices().get(name);
      List<String> inputNames = conf.getVertexInputs().get(name);
      List<String> inTensors = inputNames.stream().map(tensors::get).toList();
      List<InputType> inTypes = inputNames.stream().map(types::get).toList();
      String out;
      InputType outType;
      if (vertex instanceof LayerVertex layerVertex) {
        String tensor = inTensors.get(0);
        InputType type = inTypes.get(0);
        InputPreProcessor pre = layerVertex.getPreProcessor();
        if (pre != null) {
          PreprocessorExporter.Preprocessed p = PreprocessorExporter.apply(ctx, name, pre, tensor, type);
          tensor = p.tensor();
          type = p.type();
        }
        LayerStep step =
            new LayerStep(name, layerVertex.getLayerConf().getLayer(), net.getLayer(name).paramTable(), tensor, type);
        out = LayerExporters.of(step).export(ctx, step);
        outType = outputType(step.conf(), type);
      } else if (vertex instanceof PreprocessorVertex preprocessorVertex) {
        PreprocessorExporter.Preprocessed p =
            PreprocessorExporter.apply(ctx, name, preprocessorVertex.getPreProcessor(), inTensors.get(0), inTypes.get(0));
        out = p.tensor();
        outType = p.type();
      } else {
        out = VertexExporter.export(ctx, name, vertex, inTensors, identityInputs(net, inputNames),
            inTypes.get(0).getShape(true).length);
        outType = vertex.getOutputType(-1, inTypes.toArray(InputType[]::new));
      }
      tensors.put(name, out);
      types.put(name, outType);
    }
    for (String output : conf.getNetworkOutputs()) {
      outTensors.add(tensors.get(output));
      outTypes.add(types.get(output));
    }
  }

  /**
   * A layer's output type as its forward pass really produces it. DL4J's GlobalPoolingLayer reports a
   * recurrent or convolutional type even when it collapses its output to [batch, channels]; this
   * returns the feed-forward type (or the type with spatial size 1 when it does not collapse).
   */
  private static InputType outputType(Layer layer, InputType in) {
    InputType out = layer.getOutputType(-1, in);
    if (!(layer instanceof GlobalPoolingLayer global)) {
      return out;
    }
    if (in instanceof InputType.InputTypeRecurrent r) {
      return global.isCollapseDimensions()
          ? InputType.feedForward(r.getSize()) : InputType.recurrent(r.getSize(), 1, RNNFormat.NCW);
    }
    if (in instanceof InputType.InputTypeConvolutional c) {
      return global.isCollapseDimensions()
          ? InputType.feedForward(c.getChannels()) : InputType.convolutional(1, 1, c.getChannels());
    }
    if (in instanceof InputType.InputTypeConvolutional3D c) {
      return global.isCollapseDimensions()
          ? InputType.feedForward(c.getChannels())
          : InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 1, 1, 1, c.getChannels());
    }
    return out;
  }

  /** All input indices but the one whose vertex comes last in DL4J's topological order (the main branch). */
  private static int[] identityInputs(ComputationGraph net, List<String> inputNames) {
    int[] order = net.topologicalSortOrder();
    int[] position = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      position[order[i]] = i;
    }
    int main = 0;
    for (int i = 1; i < inputNames.size(); i++) {
      if (position[net.getVertex(inputNames.get(i)).getVertexIndex()]
          > position[net.getVertex(inputNames.get(main)).getVertexIndex()]) {
        main = i;
      }
    }
    int skip = main;
    return java.util.stream.IntStream.range(0, inputNames.size()).filter(i -> i != skip).toArray();
  }

  private static List<org.deeplearning4j.nn.graph.vertex.GraphVertex> topologicalOrder(ComputationGraph net) {
    List<org.deeplearning4j.nn.graph.vertex.GraphVertex> order = new ArrayList<>();
    for (int index : net.topologicalSortOrder()) {
      order.add(net.getVertices()[index]);
    }
    return order;
  }

  /**
   * DL4J's activation type for an input shape: rank 2 feed-forward [N, F], rank 3 recurrent NCW
   * [N, C, T], rank 4 convolutional NCHW, rank 5 convolutional NCDHW.
   *
   * @param shape the input shape
   * @return the type
   * @throws IllegalArgumentException if the shape is null, not rank 2 to 5, or has a non-positive size
   */
  static InputType inputType(long[] shape) {
    if (shape == null || shape.length < 2 || shape.length > 5 || Arrays.stream(shape).anyMatch(d -> d <= 0)) {
      throw new IllegalArgumentException(
          "inputShape must have 2 to 5 positive sizes (batch first, channels first), got " + Arrays.toString(shape));
    }
    return switch (shape.length) {
      case 2 -> InputType.feedForward(shape[1]);
      case 3 -> InputType.recurrent(shape[1], shape[2], RNNFormat.NCW);
      case 4 -> InputType.convolutional(shape[2], shape[3], shape[1]);
      default -> InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, shape[2], shape[3], shape[4], shape[1]);
    };
  }
}
