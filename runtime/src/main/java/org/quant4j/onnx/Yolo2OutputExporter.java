package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Yolo2OutputLayer (NCHW) as the activations DL4J applies at inference (its loss plays no part). The
 * input {@code [N, B·(5+C), H, W]} is viewed as {@code [N, B, 5+C, H, W]}; for each of the B boxes the
 * output keeps that layout with
 *
 * <ul>
 *   <li>channels 0-1: sigmoid of the predicted box centre within its grid cell (x, y);
 *   <li>channels 2-3: {@code prior · exp(x)}, the box width and height in grid units, the priors being
 *       the layer's bounding-box priors {@code [B, 2]};
 *   <li>channel 4: sigmoid, the confidence that the box holds an object;
 *   <li>channels 5 to 5+C-1: softmax over the C classes.
 * </ul>
 *
 * The output has the input's shape, as DL4J's {@code activate} returns it; {@code YoloUtils.getPredictedObjects}
 * decodes it in user code. Written as Reshape, four Slices, the activations, Concat and Reshape back.
 */
final class Yolo2OutputExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    Yolo2OutputLayer conf = (Yolo2OutputLayer) step.conf();
    if (conf.getFormat() != CNN2DFormat.NCHW) {
      throw new IllegalArgumentException(step.describe() + ": only NCHW data is exported, got " + conf.getFormat());
    }
    INDArray priors = conf.getBoundingBoxes();
    InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) step.inputType();
    long boxes = priors.size(0);
    long perBox = in.getChannels() / boxes;
    long h = in.getHeight();
    long w = in.getWidth();
    String scope = step.name();
    String boxed = ctx.reshape(scope, step.input(), 0, boxes, perBox, h, w);
    String xy = ctx.node(scope, "Sigmoid", List.of(slice(ctx, scope, boxed, 0, 2)));
    String priorConst = ctx.graph().constant(scope, OnnxTensors.floats("", new long[] {1, boxes, 2, 1, 1},
        priors.castTo(DataType.FLOAT).dup('c').data().asFloat()));
    String wh = ctx.node(scope, "Mul", List.of(ctx.node(scope, "Exp", List.of(slice(ctx, scope, boxed, 2, 4))), priorConst));
    String confidence = ctx.node(scope, "Sigmoid", List.of(slice(ctx, scope, boxed, 4, 5)));
    String classes = ActivationExporter.softmax(ctx, scope, slice(ctx, scope, boxed, 5, perBox), 2, 5);
    String joined = ctx.node(scope, "Concat", List.of(xy, wh, confidence, classes), OnnxGraph.attr("axis", 2L));
    return ctx.reshape(scope, joined, 0, boxes * perBox, h, w);
  }

  private static String slice(ExportContext ctx, String scope, String tensor, long start, long end) {
    return ctx.node(scope, "Slice",
        List.of(tensor, ctx.int64s(scope, start), ctx.int64s(scope, end), ctx.int64s(scope, 2)));
  }
}
