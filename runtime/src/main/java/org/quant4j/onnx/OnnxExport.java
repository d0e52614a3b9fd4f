package org.quant4j.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.internal.AtomicFiles;

/**
 * Exports a DL4J MultiLayerNetwork or ComputationGraph as an ONNX model with QuantizeLinear /
 * DequantizeLinear pairs where the network has enabled quantizers, the form TensorRT builds as an INT8
 * engine. Weights are float initializers followed by Q→DQ (with {@code axis} when per-channel), or, for
 * 2- to 7-bit weight quantizers, int8 initializers of grid values followed by DQ; the biases of quantized
 * Conv and Gemm operators are int32 through DQ unless {@link ExportOptions#int32Bias()} is off; input
 * quantizers become Q→DQ on the layer's input; a residual quantizer becomes Q→DQ on the identity input
 * of its Add. Scale {@code amax/127} ({@code /255} unsigned), zero point 0 of type int8 (uint8), as the
 * reference exports them ({@code golden/onnx_export.json}).
 *
 * <p>Nothing is written until the whole model has been built: a network or quantizer that cannot be
 * exported (an unsupported layer, an amax that is NaN, infinite or negative, an activation amax of 0)
 * is refused with an {@link IllegalArgumentException} naming it, and the file is then untouched. The
 * file is written atomically (a temporary sibling moved into place), so a reader or a killed process
 * sees the old file or the whole new one, never a partial one.
 */
public final class OnnxExport {

  private OnnxExport() {}

  /**
   * Exports a network at opset 13 with a fixed batch size. Its quantizers are those
   * {@code Quantizers.of(net)} names; the enabled, quantizing ones become Q/DQ pairs.
   *
   * @param net the network
   * @param inputShape the input shape, batch first, channels first (e.g. {@code {1, 1, 28, 28}})
   * @param out the file to write
   * @throws IllegalArgumentException if something in the network cannot be exported (the message names it)
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void export(Model net, long[] inputShape, Path out) {
    export(net, inputShape, out, ExportOptions.defaults());
  }

  /**
   * Exports a network with options.
   *
   * @param net the network
   * @param inputShape the input shape, batch first, channels first
   * @param out the file to write
   * @param options opset, names, dynamic batch
   * @throws IllegalArgumentException if something in the network cannot be exported (the message names it)
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void export(Model net, long[] inputShape, Path out, ExportOptions options) {
    export(net, quantizersOf(net), inputShape, out, options);
  }

  /**
   * The export parameters of a network's enabled, quantizing quantizers (a disabled quantizer, or one
   * only calibrating, passes its input through and gets no Q/DQ pair), by name.
   *
   * @param net the network
   * @return the parameters, in the network's quantizer order
   * @throws IllegalArgumentException if one cannot be exported (see {@link QdqParams#of})
   */
  public static Map<String, QdqParams> quantizersOf(Model net) {
    Map<String, QdqParams> out = new LinkedHashMap<>();
    Quantizers.of(net).forEach((name, q) -> {
      if (q.isEnabled() && q.isQuantEnabled()) {
        out.put(name, QdqParams.of(name, q));
      }
    });
    return out;
  }

  /**
   * Exports a network with its quantizers given explicitly, by the names {@code Quantizers.of} uses
   * ({@code conv1._input_quantizer}, {@code conv1._weight_quantizer}, {@code add1._residual_quantizer}, ...).
   * A residual quantizer quantizes the identity inputs of its elementwise vertex: all but the one
   * computed last in topological order.
   *
   * @param net the network
   * @param quantizers the enabled quantizers by name
   * @param inputShape the input shape, batch first, channels first
   * @param out the file to write
   * @param options opset, names, dynamic batch
   * @throws IllegalArgumentException if something in the network cannot be exported (the message names it)
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void export(Model net, Map<String, QdqParams> quantizers, long[] inputShape, Path out,
      ExportOptions options) {
    write(toBytes(net, quantizers, inputShape, options), out);
  }

  /**
   * The serialized ONNX model of a network with the given quantizers.
   *
   * @param net the network
   * @param quantizers the enabled quantizers by name
   * @param inputShape the input shape, batch first, channels first
   * @param options opset, names, dynamic batch
   * @return the ModelProto bytes
   * @throws IllegalArgumentException if something in the network cannot be exported (the message names it)
   */
  public static byte[] toBytes(Model net, Map<String, QdqParams> quantizers, long[] inputShape, ExportOptions options) {
    if (quantizers == null || options == null) {
      throw new IllegalArgumentException("quantizers and options must not be null");
    }
    return NetworkExporter.export(net, quantizers, inputShape, options).toByteArray();
  }

  private static void write(byte[] bytes, Path out) {
    if (out == null) {
      throw new IllegalArgumentException("out must be a file path, got null");
    }
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      AtomicFiles.write(out, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ONNX model to " + out, e);
    }
  }
}
