package org.quant4j.spark.internal;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/** Top-1 counting and FP32 forward passes of a quantized network, shared by the evaluation and the sweep. */
public final class Scoring {

  private Scoring() {}

  /**
   * The batch's labels, refusing a batch without them.
   *
   * @param batches the partition the batch is from
   * @param index the batch's index in the partition
   * @return the labels
   * @throws IllegalArgumentException naming the partition and batch
   */
  public static INDArray labels(PartitionBatches batches, int index) {
    INDArray labels = batches.batches().get(index).getLabels();
    if (labels == null) {
      throw new IllegalArgumentException("partition " + batches.partition() + ", batch " + index
          + " has no labels; evaluation needs one-hot labels");
    }
    return labels;
  }

  /**
   * How many examples' top-1 class (the largest output) is the label's (the largest label value).
   *
   * @param output {@code [examples, classes]}
   * @param labels the same shape
   * @return the count
   */
  public static long correct(INDArray output, INDArray labels) {
    INDArray predicted = Nd4j.argMax(output, 1);
    INDArray expected = Nd4j.argMax(labels, 1);
    return predicted.eq(expected).castTo(org.nd4j.linalg.api.buffer.DataType.LONG).sumNumber().longValue();
  }

  /**
   * The network's output with every quantizer disabled (FP32), leaving the quantizers as they were.
   *
   * @param net the network
   * @param features the batch
   * @return the FP32 output
   */
  public static INDArray fp32Output(Model net, INDArray features) {
    List<TensorQuantizer> switchedOff = new ArrayList<>();
    for (TensorQuantizer q : Quantizers.of(net).values()) {
      if (q.isEnabled()) {
        q.disable();
        switchedOff.add(q);
      }
    }
    try {
      return ExecutorNetworks.output(net, features);
    } finally {
      switchedOff.forEach(TensorQuantizer::enable);
    }
  }

  /**
   * How many of a partition's examples the network gets right, with its quantizers as they are.
   *
   * @param net the network
   * @param batches the partition's batches, with labels
   * @return the count
   */
  public static long correct(Model net, PartitionBatches batches) {
    long correct = 0;
    for (int b = 0; b < batches.batches().size(); b++) {
      DataSet batch = batches.batches().get(b);
      correct += correct(ExecutorNetworks.output(net, batch.getFeatures()), labels(batches, b));
    }
    return correct;
  }
}
