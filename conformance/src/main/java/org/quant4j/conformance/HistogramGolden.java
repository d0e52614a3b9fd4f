package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;

/**
 * What the {@code calib_hist} and {@code calib_hist_small} replayers share: building a
 * {@link HistogramCalibrator} from a golden {@code ctor}, comparing its state with a golden
 * {@code after_batch} record, and running a golden {@code compute_amax} call.
 */
final class HistogramGolden {

  private HistogramGolden() {}

  /**
   * A calibrator from a golden constructor record ({@code num_bits}, {@code axis}, {@code unsigned},
   * {@code num_bins}, {@code skip_zeros}, {@code torch_hist}; {@code grow_method} is deprecated and
   * ignored, as in the reference).
   *
   * @param ctor the record
   * @return the calibrator
   */
  static HistogramCalibrator build(JsonNode ctor) {
    HistogramCalibrator.Builder b = HistogramCalibrator.builder()
        .numBits(ctor.path("num_bits").asInt(8))
        .unsigned(ctor.path("unsigned").asBoolean(false))
        .numBins(ctor.path("num_bins").asInt(HistogramCalibrator.DEFAULT_BINS))
        .skipZeros(ctor.path("skip_zeros").asBoolean(false))
        .torchHist(ctor.path("torch_hist").asBoolean(true));
    JsonNode axis = ctor.path("axis");
    if (axis.isInt()) {
      b.axis(axis.asInt());
    } else if (axis.isArray()) {
      int[] a = new int[axis.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = axis.get(i).asInt();
      }
      b.axis(a);
    }
    return b.build();
  }

  /**
   * Checks the calibrator's state against a golden {@code after_batch} record: counts (and their
   * float32 / int64 type), the full edges when recorded, the first and last three edges with their
   * data type, the lengths and the persisted number of bins.
   *
   * @param c the calibrator
   * @param state the record
   * @throws AssertionError on the first difference
   */
  static void assertState(HistogramCalibrator c, JsonNode state) {
    INDArray hist = c.histogram();
    String histType = state.path("hist_dtype").asText("");
    DataType wantHistType = histType.equals("torch.float32") ? DataType.FLOAT : DataType.LONG;
    if (!histType.isEmpty() && hist.dataType() != wantHistType) {
      throw new AssertionError("hist dtype: expected " + histType + " got " + hist.dataType());
    }
    GoldenTensors.assertBitsEqual("hist", hist.castTo(DataType.LONG), state.get("hist"));
    INDArray edges = c.edges();
    if (state.hasNonNull("edges")) {
      assertSameType("edges", edges, state.get("edges"));
      GoldenTensors.assertBitsEqual("edges", edges, state.get("edges"));
    }
    long n = edges.length();
    assertEquals("edges_len", state.path("edges_len").asLong(), n);
    assertEquals("hist_len", state.path("hist_len").asLong(), hist.length());
    assertEquals("num_bins_attr", state.path("num_bins_attr").asLong(), c.numBins());
    if (state.hasNonNull("edges_first")) {
      JsonNode first = state.get("edges_first");
      INDArray head = edges.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(3, n))).dup();
      assertSameType("edges_first", head, first);
      GoldenTensors.assertBitsEqual("edges_first", head, first);
    }
    if (state.hasNonNull("edges_last")) {
      JsonNode last = state.get("edges_last");
      INDArray tail = edges.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(Math.max(0, n - 3), n)).dup();
      assertSameType("edges_last", tail, last);
      GoldenTensors.assertBitsEqual("edges_last", tail, last);
    }
  }

  /**
   * Runs a golden {@code compute_amax(method, **kwargs)} call.
   *
   * @param c the calibrator
   * @param method the reference's method name
   * @param kwargs {@code percentile}, {@code stride}, {@code start_bin}, each optional
   * @return the amax
   */
  static INDArray computeAmax(HistogramCalibrator c, String method, JsonNode kwargs) {
    return c.computeAmax(AmaxMethod.of(method),
        kwargs.path("stride").asInt(1),
        kwargs.path("start_bin").asInt(HistogramCalibrator.DEFAULT_START_BIN),
        kwargs.path("percentile").asDouble(HistogramCalibrator.DEFAULT_PERCENTILE));
  }

  private static void assertSameType(String what, INDArray actual, JsonNode expected) {
    String dtype = expected.path("dtype").asText();
    DataType want = dtype.equals("float64") ? DataType.DOUBLE : DataType.FLOAT;
    if (actual.dataType() != want) {
      throw new AssertionError(what + " dtype: expected " + dtype + " got " + actual.dataType());
    }
  }

  private static void assertEquals(String what, long expected, long actual) {
    if (expected != actual) {
      throw new AssertionError(what + ": expected " + expected + " got " + actual);
    }
  }

  /**
   * The reference's {@code str()} check.
   *
   * @param what names the value
   * @param expected the golden string
   * @param actual quant4j's
   */
  static void assertString(String what, String expected, String actual) {
    if (!expected.equals(actual)) {
      throw new AssertionError(what + ": expected '" + expected + "' got '" + actual + "'");
    }
  }

  /**
   * A readable shape for messages.
   *
   * @param a an array
   * @return its shape
   */
  static String shape(INDArray a) {
    return Arrays.toString(a.shape());
  }
}
