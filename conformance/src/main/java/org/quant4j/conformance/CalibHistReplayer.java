package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.calib.HistogramCalibrator;

/**
 * Replays {@code calib_hist} files: each run builds a {@link HistogramCalibrator}, collects the file's
 * batches in order, and must match the counts and edges after every batch, the final {@code str()},
 * every {@code compute_amax} result bit for bit (in the file's order, which matters on the numpy
 * path, where entropy rewrites the first count), and the histogram after entropy when recorded.
 */
public final class CalibHistReplayer implements KindReplayer {

  @Override
  public String kind() {
    return "calib_hist";
  }

  @Override
  public void replay(JsonNode file, CaseReporter out) {
    List<INDArray> batches = new ArrayList<>();
    for (JsonNode b : file.path("inputs").path("batches")) {
      batches.add(GoldenTensors.decode(b));
    }
    for (JsonNode run : file.path("runs")) {
      replayRun(run, batches, out);
    }
  }

  private static void replayRun(JsonNode run, List<INDArray> batches, CaseReporter out) {
    String id = run.path("id").asText();
    HistogramCalibrator c;
    try {
      c = HistogramGolden.build(run.path("ctor"));
    } catch (RuntimeException e) {
      out.fail(id, "constructor: " + e);
      return;
    }
    JsonNode after = run.path("after_batch");
    for (int k = 0; k < batches.size(); k++) {
      final int batch = k;
      final HistogramCalibrator cal = c;
      out.check(id + ":batch" + k, () -> {
        cal.collect(batches.get(batch));
        if (after.has(batch)) {
          HistogramGolden.assertState(cal, after.get(batch));
        }
      });
    }
    if (run.has("str")) {
      out.check(id + ":str", () -> HistogramGolden.assertString("str", run.get("str").asText(), c.toString()));
    }
    Iterator<Map.Entry<String, JsonNode>> calls = run.path("compute_amax").fields();
    while (calls.hasNext()) {
      Map.Entry<String, JsonNode> call = calls.next();
      JsonNode spec = call.getValue();
      out.check(id + ":compute_amax:" + call.getKey(), () -> {
        INDArray amax = HistogramGolden.computeAmax(c, spec.path("method").asText(), spec.path("kwargs"));
        GoldenTensors.assertBitsEqual("amax", amax, spec.get("amax"));
      });
    }
    if (run.hasNonNull("hist_after_entropy")) {
      out.check(id + ":hist_after_entropy", () -> HistogramGolden.assertState(c, run.get("hist_after_entropy")));
    }
  }
}
