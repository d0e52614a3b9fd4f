package org.quant4j.onnx;

import java.util.List;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/**
 * Writes a DL4J activation function as ONNX operators: identity → nothing, ReLU → Relu, leaky ReLU →
 * LeakyRelu(alpha), sigmoid → Sigmoid, tanh → Tanh, softmax → Softmax over axis 1 (the channels),
 * ELU → Elu(alpha), softplus → Softplus, softsign → Softsign, hard tanh → Clip(-1, 1), ReLU6 →
 * Clip(0, 6). Any other activation, or a ReLU with a cap, threshold or slope, is refused.
 */
final class ActivationExporter {

  private ActivationExporter() {}

  /**
   * Applies an activation.
   *
   * @param ctx the export
   * @param scope the scope of the nodes (the layer's name)
   * @param owner the layer, for error messages
   * @param fn the activation
   * @param tensor its input
   * @param rank the input's rank
   * @return the activated tensor (the input itself for identity)
   * @throws IllegalArgumentException if the activation has no ONNX equivalent here
   */
  static String apply(ExportContext ctx, String scope, String owner, IActivation fn, String tensor, int rank) {
    if (fn == null || fn instanceof ActivationIdentity) {
      return tensor;
    }
    if (fn instanceof ActivationReLU relu) {
      if (!isZeroOrNull(relu.getThreshold()) || !isZeroOrNull(relu.getNegativeSlope())
          || (relu.getMax() != null && !relu.getMax().isInfinite())) {
        throw unsupported(owner, fn);
      }
      return ctx.node(scope, "Relu", List.of(tensor));
    }
    if (fn instanceof ActivationLReLU leaky) {
      return ctx.node(scope, "LeakyRelu", List.of(tensor), OnnxGraph.attr("alpha", (float) leaky.getAlpha()));
    }
    if (fn instanceof ActivationELU elu) {
      return ctx.node(scope, "Elu", List.of(tensor), OnnxGraph.attr("alpha", (float) elu.getAlpha()));
    }
    if (fn instanceof ActivationSigmoid) {
      return ctx.node(scope, "Sigmoid", List.of(tensor));
    }
    if (fn instanceof ActivationTanH) {
      return ctx.node(scope, "Tanh", List.of(tensor));
    }
    if (fn instanceof ActivationSoftPlus) {
      return ctx.node(scope, "Softplus", List.of(tensor));
    }
    if (fn instanceof ActivationSoftSign) {
      return ctx.node(scope, "Softsign", List.of(tensor));
    }
    if (fn instanceof ActivationHardTanH) {
      return ctx.clip(scope, tensor, -1f, 1f);
    }
    if (fn instanceof ActivationReLU6) {
      return ctx.clip(scope, tensor, 0f, 6f);
    }
    if (fn instanceof ActivationSoftmax) {
      return softmax(ctx, scope, tensor, 1, rank);
    }
    throw unsupported(owner, fn);
  }

  /**
   * Softmax over one axis, the others independent (DL4J's softmax over the channels of each row,
   * pixel or time step). From opset 13 ONNX Softmax does exactly that; before, it flattens the axes from
   * {@code axis} on, so the axis is moved last, softmaxed there, and moved back.
   *
   * @param ctx the export
   * @param scope the scope
   * @param tensor the input
   * @param axis the softmax axis
   * @param rank the input's rank
   * @return the output
   */
  static String softmax(ExportContext ctx, String scope, String tensor, int axis, int rank) {
    if (ctx.opset() >= 13 || axis == rank - 1) {
      return ctx.node(scope, "Softmax", List.of(tensor), OnnxGraph.attr("axis", (long) axis));
    }
    long[] perm = new long[rank];
    for (int d = 0, j = 0; d < rank; d++) {
      if (d != axis) {
        perm[j++] = d;
      }
    }
    perm[rank - 1] = axis;
    long[] inverse = new long[rank];
    for (int d = 0; d < rank; d++) {
      inverse[(int) perm[d]] = d;
    }
    String last = ctx.node(scope, "Softmax", List.of(ctx.transpose(scope, tensor, perm)),
        OnnxGraph.attr("axis", (long) rank - 1));
    return ctx.transpose(scope, last, inverse);
  }

  private static boolean isZeroOrNull(Double v) {
    return v == null || v == 0.0;
  }

  private static IllegalArgumentException unsupported(String owner, IActivation fn) {
    return new IllegalArgumentException(
        owner + ": activation " + fn + " (" + fn.getClass().getName() + ") has no ONNX export; supported: identity,"
            + " relu, leakyrelu, elu, sigmoid, tanh, softplus, softsign, hardtanh, relu6, softmax");
  }
}
