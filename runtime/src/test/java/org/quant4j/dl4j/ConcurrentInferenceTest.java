package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;

/** Two copies of a quantized network run output() concurrently with the results of sequential runs. */
class ConcurrentInferenceTest {

  @TempDir Path dir;

  @Test
  void twoCopiesOnTwoThreadsGiveTheSequentialResults() throws Exception {
    MultiLayerNetwork a = Networks.quantized(QuantizersNamingTest.miniLeNet());
    Calibration.collectStats(a, CalibrationTest.data(2, 4), 2);
    Calibration.computeAmax(a, AmaxMethod.MAX);
    MultiLayerNetwork b = Networks.quantized(QuantizersNamingTest.miniLeNet());
    b.setParams(a.params().dup());
    Path state = dir.resolve("state.json");
    QuantState.save(a, state);
    QuantState.load(b, state);
    List<INDArray> inputs = new ArrayList<>();
    CalibrationTest.data(3, 4).forEachRemaining(d -> inputs.add(d.getFeatures()));
    List<INDArray> sequentialA = new ArrayList<>();
    List<INDArray> sequentialB = new ArrayList<>();
    inputs.forEach(x -> sequentialA.add(a.output(x)));
    inputs.forEach(x -> sequentialB.add(b.output(x)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 2; round++) {
        Future<List<INDArray>> fa = pool.submit(() -> run(a, inputs));
        Future<List<INDArray>> fb = pool.submit(() -> run(b, inputs));
        assertTrue(sameBits(sequentialA, fa.get()), "network a, concurrent vs sequential");
        assertTrue(sameBits(sequentialB, fb.get()), "network b, concurrent vs sequential");
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(sameBits(sequentialA, sequentialB), "a and b hold the same state");
  }

  private static List<INDArray> run(MultiLayerNetwork net, List<INDArray> inputs) {
    List<INDArray> out = new ArrayList<>();
    inputs.forEach(x -> out.add(net.output(x)));
    return out;
  }

  /** Whether two lists of arrays are the same element by element: shape, data type and every bit. */
  private static boolean sameBits(List<INDArray> a, List<INDArray> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      INDArray x = a.get(i);
      INDArray y = b.get(i);
      if (x.dataType() != y.dataType() || !java.util.Arrays.equals(x.shape(), y.shape())
          || !java.util.Arrays.equals(x.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
              y.castTo(DataType.DOUBLE).dup('c').data().asDouble())) {
        return false;
      }
    }
    return true;
  }
}
