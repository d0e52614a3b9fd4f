package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.Cnn3DToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;

/**
 * DL4J input preprocessors as ONNX shape operators. Each is the identity when its input already has
 * the target rank, as in DL4J.
 *
 * <ul>
 *   <li>CnnToFeedForward (NCHW) and Cnn3DToFeedForward (NCDHW) → {@code Flatten(axis=1)}: C-order
 *       flattening, which is DL4J's.
 *   <li>FeedForwardToCnn → {@code Reshape [-1, C, H, W]}.
 *   <li>RnnToFeedForward (NCW) → {@code Transpose [T, N, C]} then {@code Reshape [-1, C]}: DL4J
 *       reshapes in Fortran order, so its rows are time-major (row t·N + n), which this reproduces.
 *   <li>FeedForwardToRnn (NCW) → the inverse, {@code Reshape [T, -1, C]} then
 *       {@code Transpose [N, C, T]}.
 * </ul>
 */
final class PreprocessorExporter {

  private PreprocessorExporter() {}

  /**
   * Applies a preprocessor.
   *
   * @param ctx the export
   * @param scope the scope (the layer or vertex name)
   * @param pre the preprocessor
   * @param tensor its input
   * @param in the input's DL4J type
   * @return the preprocessed tensor and its type (the input unchanged when the preprocessor is the
   *     identity for that rank)
   * @throws IllegalArgumentException if the preprocessor is not exported
   */
  static Preprocessed apply(ExportContext ctx, String scope, InputPreProcessor pre, String tensor, InputType in) {
    String out = write(ctx, scope, pre, tensor, in);
    return out.equals(tensor) ? new Preprocessed(tensor, in) : new Preprocessed(out, pre.getOutputType(in));
  }

  /**
   * A preprocessed tensor and its DL4J type.
   *
   * @param tensor the tensor
   * @param type its type
   */
  record Preprocessed(String tensor, InputType type) {}

  private static String write(ExportContext ctx, String scope, InputPreProcessor pre, String tensor, InputType in) {
    int rank = in.getShape(true).length;
    if (pre instanceof CnnToFeedForwardPreProcessor cnn) {
      if (rank == 2) {
        return tensor;
      }
      if (cnn.getFormat() != CNN2DFormat.NCHW) {
        throw unsupported(scope, pre, "only NCHW is exported");
      }
      return flatten(ctx, scope, tensor);
    }
    if (pre instanceof Cnn3DToFeedForwardPreProcessor cnn3) {
      if (rank == 2) {
        return tensor;
      }
      if (!cnn3.isNCDHW()) {
        throw unsupported(scope, pre, "only NCDHW is exported");
      }
      return flatten(ctx, scope, tensor);
    }
    if (pre instanceof FeedForwardToCnnPreProcessor ff) {
      if (rank == 4) {
        return tensor;
      }
      return ctx.reshape(scope, tensor, -1, ff.getNumChannels(), ff.getInputHeight(), ff.getInputWidth());
    }
    if (pre instanceof RnnToFeedForwardPreProcessor rnn) {
      if (rank == 2) {
        return tensor;
      }
      if (rnn.getRnnDataFormat() != RNNFormat.NCW) {
        throw unsupported(scope, pre, "only NCW is exported");
      }
      long size = ((InputType.InputTypeRecurrent) in).getSize();
      return ctx.reshape(scope, ctx.transpose(scope, tensor, 2, 0, 1), -1, size);
    }
    if (pre instanceof FeedForwardToRnnPreProcessor ffToRnn) {
      if (rank == 3) {
        return tensor;
      }
      InputType.InputTypeRecurrent out = (InputType.InputTypeRecurrent) pre.getOutputType(in);
      if (ffToRnn.getRnnDataFormat() != RNNFormat.NCW || out.getTimeSeriesLength() <= 0) {
        throw unsupported(scope, pre, "only NCW with a known sequence length is exported");
      }
      String timeMajor = ctx.reshape(scope, tensor, out.getTimeSeriesLength(), -1, out.getSize());
      return ctx.transpose(scope, timeMajor, 1, 2, 0);
    }
    throw unsupported(scope, pre, "supported: CnnToFeedForward, Cnn3DToFeedForward, FeedForwardToCnn,"
        + " RnnToFeedForward, FeedForwardToRnn");
  }

  private static String flatten(ExportContext ctx, String scope, String tensor) {
    return ctx.node(scope, "Flatten", List.of(tensor), OnnxGraph.attr("axis", 1L));
  }

  private static IllegalArgumentException unsupported(String scope, InputPreProcessor pre, String why) {
    return new IllegalArgumentException(
        "preprocessor of '" + scope + "' " + pre + " (" + pre.getClass().getName() + ") is not exported: " + why);
  }
}
