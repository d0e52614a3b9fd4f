package org.quant4j.agent.it;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.Map;
import org.quant4j.dl4j.QuantizerState;

/**
 * A worst-case bound on how far a fake-quantized dense network's outputs can be from the float network's, per
 * sample and output, propagated layer by layer with interval arithmetic.
 *
 * <p>For a dense layer z = x W + b, with plain input x, the quantized network's input x~ (|x~ - x| <= E elementwise,
 * E = 0 for the first layer), its quantized input x' = Q(x~) with amax a and step s = a / 127, and quantized weight
 * W' with per-column step t_j = a_j / 127:
 * <pre>
 *   |x' - x|     <= D = s/2 + E + max(0, |x| - a)        (rounding, carried error, clipping)
 *   |W' - W|_ij  <= V_ij = t_j/2 + max(0, |W_ij| - a_j)
 *   |z' - z|_j   <= sum_i D_i (|W_ij| + V_ij) + |x_i| V_ij
 * </pre>
 * ReLU is 1-Lipschitz, so the next layer's E is that bound; softmax moves no output by more than the largest
 * logit change (its Jacobian's infinity norm is at most 1/2). A dynamic input amax (a quantizer the amax file does
 * not name, or names without an amax) is max|x~| <= max|x| + max E over the batch, and never clips.
 */
final class QuantizationErrorBound {
  private static final float MAX_BOUND_8BIT = 127f;

  private QuantizationErrorBound() {}

  /**
   * The bound for every sample and output of a network of dense layers.
   *
   * @param net the float network
   * @param features the batch the application ran
   * @param state the network's quantizer states in the quantized run (a state file's entries for it)
   * @param layerNames the layers' names, in order
   * @return the bound, [samples, outputs]
   */
  static double[][] of(MultiLayerNetwork net, INDArray features, Map<String, QuantizerState> state,
      List<String> layerNames) {
    List<INDArray> activations = net.feedForward(features, false);
    int samples = (int) features.size(0);
    double[][] carried = new double[samples][(int) features.size(1)];
    for (int l = 0; l < layerNames.size(); l++) {
      float[][] x = activations.get(l).toFloatMatrix();
      float[][] w = net.getLayer(l).getParam("W").toFloatMatrix();
      String name = layerNames.get(l);
      QuantizerState.Amax inputAmax = state.containsKey(name + "._input_quantizer")
          ? state.get(name + "._input_quantizer").amax().orElse(null) : null;
      float[] weightAmax = state.get(name + "._weight_quantizer").amax().orElseThrow().values();
      double[][] next = new double[samples][w[0].length];
      double dynamicAmax = dynamicAmax(x, carried);
      for (int n = 0; n < samples; n++) {
        double a = inputAmax != null ? inputAmax.values()[0] : dynamicAmax;
        for (int j = 0; j < w[0].length; j++) {
          double t = weightAmax[j] / MAX_BOUND_8BIT;
          double sum = 0;
          for (int i = 0; i < w.length; i++) {
            double d = a / MAX_BOUND_8BIT / 2 + carried[n][i] + Math.max(0, Math.abs(x[n][i]) - a);
            double v = t / 2 + Math.max(0, Math.abs(w[i][j]) - weightAmax[j]);
            sum += d * (Math.abs(w[i][j]) + v) + Math.abs(x[n][i]) * v;
          }
          next[n][j] = sum;
        }
      }
      carried = next;
    }
    for (double[] row : carried) {
      double worst = 0;
      for (double v : row) {
        worst = Math.max(worst, v);
      }
      java.util.Arrays.fill(row, worst);
    }
    return carried;
  }

  private static double dynamicAmax(float[][] x, double[][] carried) {
    double max = 0;
    for (int n = 0; n < x.length; n++) {
      for (int i = 0; i < x[n].length; i++) {
        max = Math.max(max, Math.abs(x[n][i]) + carried[n][i]);
      }
    }
    return max;
  }
}
