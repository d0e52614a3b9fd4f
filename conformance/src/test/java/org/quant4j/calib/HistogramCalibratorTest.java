package org.quant4j.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.conformance.GoldenTensors;

class HistogramCalibratorTest {

  private static JsonNode run(String file, String id) {
    for (JsonNode r : GoldenFile.load(file).get("runs")) {
      if (r.get("id").asText().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException(id);
  }

  private static List<INDArray> batches(String file) {
    List<INDArray> out = new ArrayList<>();
    for (JsonNode b : GoldenFile.load(file).get("inputs").get("batches")) {
      out.add(GoldenTensors.decode(b));
    }
    return out;
  }

  private static HistogramCalibrator build(JsonNode ctor) {
    return HistogramCalibrator.builder()
        .numBits(ctor.get("num_bits").asInt())
        .unsigned(ctor.get("unsigned").asBoolean())
        .numBins(ctor.get("num_bins").asInt())
        .skipZeros(ctor.path("skip_zeros").asBoolean(false))
        .torchHist(ctor.get("torch_hist").asBoolean())
        .build();
  }

  /** Collects the file's batches, checking counts and edges after every batch, then every amax. */
  private static HistogramCalibrator replay(String file, String id) {
    JsonNode r = run(file, id);
    HistogramCalibrator c = build(r.get("ctor"));
    List<INDArray> xs = batches(file);
    for (int k = 0; k < xs.size(); k++) {
      c.collect(xs.get(k));
      JsonNode want = r.get("after_batch").get(k);
      GoldenTensors.assertBitsEqual(id + " counts after batch " + k, c.histogram().castTo(DataType.LONG),
          want.get("hist"));
      assertEquals(want.get("num_bins_attr").asInt(), c.numBins(), id + " numBins after batch " + k);
      assertEquals(want.get("edges_len").asInt(), c.edges().length(), id + " edges after batch " + k);
      if (want.hasNonNull("edges")) {
        GoldenTensors.assertBitsEqual(id + " edges after batch " + k, c.edges(), want.get("edges"));
      }
    }
    assertEquals(r.get("str").asText(), c.toString());
    Iterator<Map.Entry<String, JsonNode>> calls = r.get("compute_amax").fields();
    while (calls.hasNext()) {
      Map.Entry<String, JsonNode> call = calls.next();
      JsonNode kw = call.getValue().get("kwargs");
      INDArray amax = c.computeAmax(AmaxMethod.of(call.getValue().get("method").asText()),
          kw.path("stride").asInt(1), kw.path("start_bin").asInt(128), kw.path("percentile").asDouble(99.99));
      GoldenTensors.assertBitsEqual(id + " " + call.getKey(), amax, call.getValue().get("amax"));
    }
    return c;
  }

  @Test
  void torchPathReproducesGoldenCountsEdgesAndEveryAmaxBitForBit() {
    replay("calib_hist_gaussian.json", "torch_hist");
    replay("calib_hist_gaussian.json", "torch_hist_128bins");
  }

  @Test
  void fourBitEntropyAndMseMatchTheGolden() {
    replay("calib_hist_gaussian.json", "torch_hist_4bit");
  }

  @Test
  void numpyPathReproducesGoldenIncludingEntropyRewritingTheFirstCount() {
    HistogramCalibrator c = replay("calib_hist_gaussian.json", "numpy_hist");
    JsonNode after = run("calib_hist_gaussian.json", "numpy_hist").get("hist_after_entropy");
    GoldenTensors.assertBitsEqual("hist after entropy", c.histogram(), after.get("hist"));
  }

  @Test
  void unsignedReluHistogramsMatchOnBothPaths() {
    replay("calib_hist_relu_gaussian_unsigned.json", "torch_hist");
    replay("calib_hist_relu_gaussian_unsigned.json", "numpy_hist");
  }

  @Test
  void growthKeepsTheBinWidthAndPersistsTheGrownBinCount() {
    HistogramCalibrator c = HistogramCalibrator.builder().numBins(4).build();
    c.collect(Nd4j.createFromArray(0f, 1f, 2f, 3f, 4f));
    assertArrayEquals(new float[] {1, 1, 1, 2}, c.histogram().data().asFloat());
    c.collect(Nd4j.createFromArray(9.5f));
    assertEquals(10, c.numBins());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, c.edges().data().asFloat());
    assertEquals(6f, c.histogram().sumNumber().floatValue());
    assertEquals(1f, c.histogram().getFloat(9));
  }

  @Test
  void largeInputsSplitAcrossThreadsAreBinnedExactlyByTheHistcFormula() {
    int n = (1 << 21) + 13;
    float[] v = new float[n];
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 3);
    }
    v[n - 1] = 0f;
    HistogramCalibrator c = HistogramCalibrator.builder().numBins(1000).build();
    c.collect(Nd4j.createFromArray(v));
    float hi = 0f;
    for (float x : v) {
      hi = Math.max(hi, Math.abs(x));
    }
    float[] want = new float[1000];
    for (float x : v) {
      int pos = (int) ((Math.abs(x) / hi) * 1000f);
      want[Math.min(pos, 999)]++;
    }
    assertArrayEquals(want, c.histogram().data().asFloat());
  }

  @Test
  void negativeValuesAreHistogrammedByMagnitude() {
    HistogramCalibrator c = HistogramCalibrator.builder().numBins(4).build();
    INDArray x = Nd4j.createFromArray(-3f, 1f, 2f, -0.5f);
    c.collect(x);
    assertArrayEquals(new float[] {1, 1, 1, 1}, c.histogram().data().asFloat());
    assertEquals(0.75f, c.computeAmax(AmaxMethod.PERCENTILE, 50).getFloat(0));
    assertEquals(-3f, x.getFloat(0), "input must not be modified");
  }

  @Test
  void allZeroFirstBatchCountsInTheMiddleBinAndCannotGrowLater() {
    HistogramCalibrator c = HistogramCalibrator.builder().build();
    c.collect(Nd4j.zeros(DataType.FLOAT, 100));
    assertEquals(100f, c.histogram().getFloat(1024));
    assertEquals(0f, c.edges().maxNumber().floatValue());
    assertEquals(0f, c.computeAmax(AmaxMethod.PERCENTILE, 50).getFloat(0));
    assertThrows(IllegalStateException.class, () -> c.collect(Nd4j.ones(DataType.FLOAT, 3)));
  }

  @Test
  void badInputIsRejectedNamingTheArgument() {
    HistogramCalibrator skip = HistogramCalibrator.builder().skipZeros(true).build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> skip.collect(Nd4j.zeros(DataType.FLOAT, 100)))
        .getMessage().contains("non-zero"));
    HistogramCalibrator c = HistogramCalibrator.builder().numBins(4).build();
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.collect(Nd4j.createFromArray(1f, Float.NaN, 2f))).getMessage().contains("NaN"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> HistogramCalibrator.builder().axis(0).build()).getMessage().contains("axis"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.computeAmax(AmaxMethod.PERCENTILE, 50)).getMessage().contains("has seen no data"));
    c.collect(Nd4j.createFromArray(1f, 2f));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.computeAmax(AmaxMethod.PERCENTILE, 100.5)).getMessage().contains("100.5"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> c.computeAmax(AmaxMethod.MAX, 0)).getMessage().contains("MAX"));
    assertTrue(assertThrows(IllegalArgumentException.class, c::computeAmax).getMessage().contains("method"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> AmaxMethod.of("bogus"))
        .getMessage().contains("bogus"));
  }

  @Test
  void toStringShowsTheEdgeRangeAsTheReference() {
    HistogramCalibrator c = HistogramCalibrator.builder().numBins(4).build();
    assertEquals("HistogramCalibrator(calib_bin_edges=None)", c.toString());
    c.collect(Nd4j.createFromArray(1f, 2f));
    assertEquals("HistogramCalibrator(calib_bin_edges=[0.000, ..., 2.000](5))", c.toString());
  }
}
