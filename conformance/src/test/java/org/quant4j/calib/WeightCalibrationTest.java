package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.conformance.GoldenTensors;

class WeightCalibrationTest {

  private static JsonNode goldenCase(String id) {
    for (JsonNode c : GoldenFile.load("calib_hist_small.json").get("calibrate_weights")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new IllegalArgumentException(id);
  }

  private static INDArray weight(JsonNode c, String module) {
    return GoldenTensors.decode(c.get("weights").get(module));
  }

  /** conv and fc weights are [out, ...] (axis 0); the transposed convolution's are [in, out, ...] (axis 1). */
  private static int axisOf(String module) {
    return module.equals("deconv") ? 1 : 0;
  }

  private static void assertPerChannel(String id, AmaxMethod method) {
    JsonNode c = goldenCase(id);
    for (String m : new String[] {"conv", "deconv", "fc"}) {
      INDArray amax = WeightCalibration.perChannel(weight(c, m), axisOf(m), method, 8, false, 99.0, 2048);
      GoldenTensors.assertBitsEqual(id + " " + m, amax, c.get("weight_amax").get(m));
    }
  }

  @Test
  void perChannelPercentileUsesEachChannelsNumpyHistogramFromZero() {
    assertPerChannel("calibrate_weights_percentile_perchannel", AmaxMethod.PERCENTILE);
  }

  @Test
  void perChannelMseMatchesTheGolden() {
    assertPerChannel("calibrate_weights_mse_perchannel", AmaxMethod.MSE);
  }

  @Test
  void perChannelMaxIsTheChannelsLargestMagnitude() {
    assertPerChannel("calibrate_weights_max_perchannel", AmaxMethod.MAX);
  }

  @Test
  void perTensorUsesOne2048BinHistogram() {
    for (String id : new String[] {"calibrate_weights_percentile_pertensor", "calibrate_weights_mse_pertensor"}) {
      JsonNode c = goldenCase(id);
      AmaxMethod method = id.contains("mse") ? AmaxMethod.MSE : AmaxMethod.PERCENTILE;
      for (String m : new String[] {"conv", "deconv", "fc"}) {
        GoldenTensors.assertBitsEqual(id + " " + m, WeightCalibration.perTensor(weight(c, m), method, 8, false, 99.0),
            c.get("weight_amax").get(m));
      }
    }
  }

  @Test
  void maxPerTensorAndEntropyAreRejectedAsByTheReference() {
    INDArray w = weight(goldenCase("calibrate_weights_max_pertensor"), "fc");
    assertThrows(IllegalArgumentException.class, () -> WeightCalibration.perTensor(w, AmaxMethod.MAX, 8, false, 99));
    assertThrows(IllegalArgumentException.class,
        () -> WeightCalibration.perChannel(w, 0, AmaxMethod.ENTROPY, 8, false, 99, 2048));
    assertThrows(IllegalArgumentException.class,
        () -> WeightCalibration.perChannel(w, 2, AmaxMethod.PERCENTILE, 8, false, 99, 2048));
  }
}
