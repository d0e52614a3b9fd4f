package org.quant4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.examples.lenet.LeNet5;

/**
 * The GPU check's LeNet pass: a quantized LeNet-5 (conv 1→6 5x5 relu, max pool 2, conv 6→16 5x5
 * relu, max pool 2, dense 256→120 relu, 120→84 relu, 84→10 softmax; NCHW 1x28x28) built under
 * {@link QuantModules#initialize()}, with weights and inputs drawn on the host from a seeded
 * {@link SplittableRandom} (so every ND4J backend sees the same numbers), calibrated with
 * {@link Calibration#collectStats} and {@link Calibration#computeAmax} ({@link AmaxMethod#ENTROPY}),
 * then run with fake quantization by {@code output()}.
 */
final class LeNetCheck {

  /** Batches used for calibration and for inference. */
  static final int BATCHES = 4;

  /** Examples per batch. */
  static final int BATCH_SIZE = 32;

  private static final long SEED = 20260601L;

  private LeNetCheck() {}

  /**
   * What one pass measured on the running backend.
   *
   * @param calibrationMs wall time of collectStats + computeAmax(ENTROPY)
   * @param inferenceMs wall time of the fake-quant outputs of all batches, after one untimed batch
   * @param outputs the softmax outputs of all batches, batch after batch, row-major
   */
  record Result(double calibrationMs, double inferenceMs, float[] outputs) {}

  /**
   * Builds, calibrates and runs the network on the running backend.
   *
   * @return the timings and outputs
   */
  static Result run() {
    QuantModules.initialize();
    MultiLayerNetwork net = build();
    List<DataSet> batches = batches();
    long t0 = System.nanoTime();
    Calibration.collectStats(net, new ListDataSetIterator<>(batches, BATCH_SIZE), BATCHES);
    Calibration.computeAmax(net, AmaxMethod.ENTROPY);
    // One untimed batch first, so the inference figure is not the first call's JIT and allocation.
    net.output(batches.get(0).getFeatures(), false);
    Nd4j.getExecutioner().commit();
    long t1 = System.nanoTime();
    float[] outputs = new float[BATCHES * BATCH_SIZE * 10];
    int at = 0;
    for (DataSet batch : batches) {
      float[] out = net.output(batch.getFeatures(), false).ravel().toFloatVector();
      System.arraycopy(out, 0, outputs, at, out.length);
      at += out.length;
    }
    long t2 = System.nanoTime();
    return new Result((t1 - t0) / 1e6, (t2 - t1) / 1e6, outputs);
  }

  private static MultiLayerNetwork build() {
    MultiLayerNetwork net = LeNet5.build(new FixedSchedule(1e-3), SEED);
    // Host-drawn weights, uniform in [-0.2, 0.2): identical on every backend, unlike ND4J's RNGs.
    SplittableRandom random = new SplittableRandom(SEED);
    float[] params = new float[(int) net.numParams()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (random.nextDouble() * 0.4 - 0.2);
    }
    net.setParams(Nd4j.create(params, new long[] {1, params.length}, 'c'));
    return net;
  }

  private static List<DataSet> batches() {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    List<DataSet> batches = new ArrayList<>();
    for (int b = 0; b < BATCHES; b++) {
      float[] pixels = new float[BATCH_SIZE * 28 * 28];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) random.nextDouble();
      }
      INDArray features = Nd4j.create(pixels, new long[] {BATCH_SIZE, 1, 28, 28}, 'c');
      batches.add(new DataSet(features, Nd4j.zeros(DataType.FLOAT, BATCH_SIZE, 10)));
    }
    return batches;
  }
}
