package org.quant4j.onnx;

import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * BatchNormalization (inference, global statistics) as ONNX {@code BatchNormalization} on channel axis
 * 1 of a 2-D or NCHW input. With {@code useLogStd} DL4J stores log10 of the standard deviation and
 * its inference divides by {@code sqrt(std^2 + eps)} (measured: the stored std is not treated as
 * already holding eps), so the variance written is {@code (10^log10std)^2}. With {@code lockGammaBeta} the configured gamma
 * and beta are written as constants. DL4J's BatchNormalization applies no activation function at
 * inference, whatever its configuration says, so none is written.
 */
final class BatchNormExporter implements LayerExporter {

  @Override
  public String export(ExportContext ctx, LayerStep step) {
    BatchNormalization conf = (BatchNormalization) step.conf();
    String name = step.name();
    int rank = step.inputRank();
    if (rank != 2 && !(rank == 4 && conf.getCnn2DFormat() == CNN2DFormat.NCHW)) {
      throw new IllegalArgumentException(
          step.describe() + ": only 2-D and NCHW inputs are exported, got " + step.inputType());
    }
    INDArray mean = step.param("mean");
    long channels = mean.length();
    INDArray var;
    if (conf.isUseLogStd()) {
      INDArray log10std = step.param("log10stdev");
      INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10std.shape(), 10.0, log10std.dataType()), log10std, false);
      var = std.mul(std);
    } else {
      var = step.param("var");
    }
    INDArray gamma = conf.isLockGammaBeta()
        ? Nd4j.valueArrayOf(new long[] {channels}, conf.getGamma(), mean.dataType()) : step.param("gamma");
    INDArray beta = conf.isLockGammaBeta()
        ? Nd4j.valueArrayOf(new long[] {channels}, conf.getBeta(), mean.dataType()) : step.param("beta");
    List<String> inputs =
        List.of(
            step.input(),
            ctx.floats(name + ".weight", gamma.reshape(channels)),
            ctx.floats(name + ".bias", beta.reshape(channels)),
            ctx.floats(name + ".running_mean", mean.reshape(channels)),
            ctx.floats(name + ".running_var", var.reshape(channels)));
    return ctx.node(name, "BatchNormalization", inputs, OnnxGraph.attr("epsilon", (float) conf.getEps()));
  }
}
