package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.WeightCalibration;

/**
 * Replays {@code calib_hist_small} files: small {@link HistogramCalibrator} cases, edge cases and
 * {@code calib.calibrate_weights} (through {@link WeightCalibration}).
 *
 * <ul>
 *   <li>{@code cases}: runs whose inputs the file names but does not carry ({@code batches_order}).
 *       Their per-batch collection cannot be replayed and is reported as not implemented; their
 *       {@code compute_amax} results are replayed from the recorded final histogram and edges
 *       ({@link HistogramCalibrator#restore}).
 *   <li>{@code edge_cases}: collected batch by batch, each state or expected error checked, then
 *       {@code percentile_50}; an expected reference error must be an exception here, "no data"
 *       (the reference's None) the "has seen no data" IllegalArgumentException.
 *   <li>{@code calibrate_weights}: each module's weight calibrated with the call's method, per
 *       channel (axis 1 for transposed convolutions, else 0) or per tensor.
 * </ul>
 */
public final class CalibHistSmallReplayer implements KindReplayer {

  private static final Pattern UNKNOWN_METHOD = Pattern.compile("Unknown calibration method (\\S+)");
  private static final Pattern KWARG = Pattern.compile("(\\w+)\\s*=\\s*('([^']*)'|[^,)\\s]+)");

  @Override
  public String kind() {
    return "calib_hist_small";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    for (JsonNode c : file.path("cases")) {
      replayRecordedRun(c, out);
    }
    for (JsonNode c : file.path("edge_cases")) {
      out.check(c.path("id").asText(), () -> replayEdgeCase(c));
    }
    for (JsonNode c : file.path("calibrate_weights")) {
      out.check(c.path("id").asText(), () -> replayCalibrateWeights(c));
    }
  }

  private static void replayRecordedRun(JsonNode c, CaseReporter out) {
    String id = c.path("id").asText();
    JsonNode after = c.path("after_batch");
    if (c.has("batches_order")) {
      out.notReplayed(id + ":collect", "the file names its inputs " + c.get("batches_order")
          + " but does not carry them, so the counts after each batch cannot be replayed");
    }
    if (after.size() == 0) {
      return;
    }
    JsonNode last = after.get(after.size() - 1);
    Iterator<Map.Entry<String, JsonNode>> calls = c.path("compute_amax").fields();
    while (calls.hasNext()) {
      Map.Entry<String, JsonNode> call = calls.next();
      out.check(id + ":compute_amax:" + call.getKey(), () -> {
        HistogramCalibrator cal = HistogramGolden.build(c.path("ctor"));
        cal.restore(GoldenTensors.decode(last.get("hist")), GoldenTensors.decode(last.get("edges")),
            last.path("num_bins_attr").asInt());
        HistogramGolden.assertState(cal, last);
        INDArray amax = HistogramGolden.computeAmax(cal, call.getKey(),
            c.path("compute_amax_kwargs").path(call.getKey()));
        GoldenTensors.assertBitsEqual("amax", amax, call.getValue());
      });
    }
  }

  private static void replayEdgeCase(JsonNode c) {
    if (c.has("results")) {
      HistogramCalibrator cal = HistogramGolden.build(c.path("ctor"));
      Iterator<String> methods = c.get("results").fieldNames();
      while (methods.hasNext()) {
        String method = methods.next();
        expectNoData(cal, method);
      }
      return;
    }
    if (c.has("result") && !c.has("ctor")) {
      replayComputeAmaxError(c.get("result"));
      return;
    }
    HistogramCalibrator cal;
    try {
      cal = HistogramGolden.build(c.path("ctor"));
    } catch (IllegalArgumentException e) {
      if (c.has("error")) {
        ReferenceErrors.assertSameError(c.get("error"), e);
        return;
      }
      throw e;
    }
    if (c.has("error")) {
      throw new AssertionError("expected constructor error " + c.get("error").path("type").asText()
          + ", got " + cal);
    }
    JsonNode inputs = c.path("inputs");
    JsonNode after = c.path("after_batch");
    for (int k = 0; k < inputs.size(); k++) {
      INDArray x = GoldenTensors.decode(inputs.get(k));
      JsonNode want = after.path(k);
      if (GoldenTensors.isError(want)) {
        try {
          cal.collect(x);
        } catch (IllegalArgumentException | IllegalStateException e) {
          ReferenceErrors.assertSameError(want.get("error"), e);
          continue;
        }
        throw new AssertionError("batch " + k + ": expected an error like "
            + want.get("error").path("type").asText() + "('" + want.get("error").path("message").asText()
            + "'), got none");
      }
      cal.collect(x);
      if (!want.isMissingNode()) {
        HistogramGolden.assertState(cal, want);
      }
    }
    if (c.has("percentile_50")) {
      GoldenTensors.assertBitsEqual("percentile_50", cal.computeAmax(AmaxMethod.PERCENTILE, 50),
          c.get("percentile_50"));
    }
  }

  private static void expectNoData(HistogramCalibrator cal, String method) {
    try {
      cal.computeAmax(AmaxMethod.of(method), HistogramCalibrator.DEFAULT_PERCENTILE);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().contains("has seen no data")) {
        return;
      }
      throw new AssertionError(method + " before collect: unexpected message " + e.getMessage());
    }
    throw new AssertionError(method + " before collect must fail with 'has seen no data' (reference: None)");
  }

  private static void replayComputeAmaxError(JsonNode result) {
    String message = result.path("message").asText();
    Matcher unknown = UNKNOWN_METHOD.matcher(message);
    if (unknown.find()) {
      expectRejected(() -> AmaxMethod.of(unknown.group(1)), "method " + unknown.group(1), result);
      return;
    }
    if (message.contains("percentile")) {
      HistogramCalibrator cal = HistogramCalibrator.builder().build();
      cal.collect(org.nd4j.linalg.factory.Nd4j.createFromArray(1f, 2f, 3f));
      for (double p : new double[] {-1e-6, 100 + 1e-6, Double.NaN}) {
        expectRejected(() -> cal.computeAmax(AmaxMethod.PERCENTILE, p), "percentile " + p, result);
      }
      return;
    }
    throw new AssertionError("no replay for the expected error '" + message + "'");
  }

  private static void expectRejected(Runnable call, String what, JsonNode error) {
    try {
      call.run();
    } catch (IllegalArgumentException e) {
      ReferenceErrors.assertSameError(error, e);
      return;
    }
    throw new AssertionError(what + " must be rejected with IllegalArgumentException");
  }

  private static void replayCalibrateWeights(JsonNode c) {
    Map<String, String> kwargs = kwargs(c.path("call").asText());
    AmaxMethod method = AmaxMethod.of(kwargs.getOrDefault("method", "percentile"));
    boolean perChannel = Boolean.parseBoolean(kwargs.getOrDefault("perchannel", "True").toLowerCase());
    double percentile = Double.parseDouble(kwargs.getOrDefault("percentile", "99.99"));
    int numBins = Integer.parseInt(kwargs.getOrDefault("num_bins", "2048"));
    boolean expectError = c.has("error");
    Iterator<Map.Entry<String, JsonNode>> modules = c.path("modules").fields();
    while (modules.hasNext()) {
      Map.Entry<String, JsonNode> module = modules.next();
      String name = module.getKey();
      INDArray weight = GoldenTensors.decode(c.path("weights").get(name));
      int axis = module.getValue().asText().contains("ConvTranspose") ? 1 : 0;
      INDArray amax;
      try {
        amax = perChannel
            ? WeightCalibration.perChannel(weight, axis, method, 8, false, percentile, numBins)
            : WeightCalibration.perTensor(weight, method, 8, false, percentile);
      } catch (IllegalArgumentException e) {
        if (expectError) {
          ReferenceErrors.assertSameError(c.get("error"), e);
          return; // the reference fails on its first module as well
        }
        throw e;
      }
      if (expectError) {
        throw new AssertionError(name + ": expected an error like " + c.get("error").path("type").asText()
            + ", got amax of shape " + HistogramGolden.shape(amax));
      }
      GoldenTensors.assertBitsEqual(name + " amax", amax.castTo(DataType.FLOAT), c.path("weight_amax").get(name));
    }
  }

  private static Map<String, String> kwargs(String call) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Matcher m = KWARG.matcher(call);
    while (m.find()) {
      out.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
    }
    return out;
  }
}
