package org.quant4j.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.examples.data.DemoDataset;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.Table;
import org.quant4j.tune.SearchResult;

/** The demo's tables: accuracy beside the reference, ONNX agreement, costs, and the targets they are held to. */
final class DemoTables {

  private DemoTables() {}

  static Table accuracy(DemoDataset dataset, String dataName, Map<String, Double> top1, Map<String, String> bestPtq) {
    double fp32 = top1.get("fp32");
    Double refFp32 = ReferenceAccuracy.of(dataset, "fp32");
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Double> e : top1.entrySet()) {
      String row = e.getKey();
      Double ref = ReferenceAccuracy.of(dataset, row);
      String label = row;
      for (Map.Entry<String, String> b : bestPtq.entrySet()) {
        if (row.equals(b.getKey() + " " + b.getValue())) {
          label = row + " *";
        }
        if (row.equals("qat " + b.getKey())) {
          label = row + " (from " + b.getValue() + ")";
        }
      }
      rows.add(List.of(label, pct(e.getValue()), ref == null ? "-" : pct(ref),
          delta(e.getValue() - fp32), ref == null || refFp32 == null ? "-" : delta(ref - refFp32)));
    }
    return new Table("Top-1 on the " + dataName + " test set, %",
        List.of("row", "quant4j", "reference", "quant4j - FP32", "reference - FP32"), rows,
        List.of("* the best PTQ choice of its configuration, which QAT starts from. Reference: pytorch-quantization"
            + " 2.2.1, torch 1.13.1 CPU, same recipe (DESIGN.md)."));
  }

  /**
   * The automatic mixed-precision row next to the best uniform w8a8 and w4a4 PTQ rows: top-1 and effective bits
   * (weight and activation bits weighted by their elements; a uniform format's are its own bits).
   */
  static Table mixedPrecision(Map<String, Double> top1, Map<String, String> bestPtq, SearchResult auto) {
    double fp32 = top1.get("fp32");
    List<List<String>> rows = new ArrayList<>();
    for (String setting : List.of("w8a8", "w4a4")) {
      String row = setting + " " + bestPtq.get(setting);
      rows.add(List.of(row, pct(top1.get(row)), delta(top1.get(row) - fp32), bits(setting.equals("w8a8") ? 8 : 4)));
    }
    rows.add(List.of(DemoPipeline.AUTO_ROW, pct(100 * auto.achieved()), delta(100 * auto.achieved() - fp32),
        bits(auto.effectiveBits())));
    return new Table("Automatic mixed precision vs uniform PTQ", List.of("row", "top-1 %", "- FP32", "effective bits"),
        rows, List.of("auto: " + auto.assignmentText() + ".", "budget " + auto.budget()
            + (auto.met() ? ", met" : ", NOT met") + "; " + auto.evaluations() + " whole evaluations."));
  }

  private static String bits(double bits) {
    return String.format(Locale.ROOT, "%.2f", bits);
  }

  static Table onnx(List<OnnxAgreement> sessions) {
    List<List<String>> rows = new ArrayList<>();
    for (OnnxAgreement a : sessions) {
      rows.add(List.of(a.session().toString(), String.valueOf(a.images()), pct(100 * a.top1Agreement()) + "%",
          String.format(Locale.ROOT, "%.3g", a.maxAbsDiff()), pct(a.onnxTop1()) + "%"));
    }
    return new Table("Best w8a8 PTQ model: QDQ ONNX in ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment()
        .getVersion() + " vs DL4J", List.of("session", "images", "top-1 agreement", "max |diff|", "ORT top-1"), rows,
        List.of("UNOPTIMIZED: graph optimisations off; DEFAULT: ORT's defaults; INT8: defaults plus"
            + " session.qdqisint8allowed=1, the session to deploy with (docs/onnx.md)."));
  }

  static Table costs(List<PairedTiming> costs) {
    List<List<String>> rows = new ArrayList<>();
    for (PairedTiming c : costs) {
      boolean alone = c.plainMs().length == 0;
      rows.add(List.of(c.what(), ms(c.medianQuantizedMs()), alone ? "-" : ms(c.medianPlainMs()),
          alone ? "-" : String.format(Locale.ROOT, "%.2fx", c.medianRatio())));
    }
    return new Table("Costs (medians of interleaved pairs, ms)",
        List.of("what", "quantized", "plain", "ratio"), rows,
        List.of("ratio: median over pairs of quantized / plain. Reference: calibration 2.2x, inference 1.14x,"
            + " QAT step 1.30x (w8a8), entropy compute_amax about 7 s."));
  }

  static Table bars(DemoDataset dataset, Map<String, Double> top1, Map<String, String> bestPtq, List<PairedTiming> costs) {
    List<List<String>> rows = new ArrayList<>();
    double fp32 = top1.get("fp32");
    double w8 = best(top1, "w8a8");
    double tolerance = dataset == DemoDataset.MNIST ? 0.1 : 0.2;
    rows.add(bar("best w8a8 PTQ within " + tolerance + " pt of FP32", delta(w8 - fp32) + " pt", fp32 - w8 <= tolerance + 1e-9));
    double w4a4Max = top1.get("w4a4 max");
    double w4a4Hist = Math.max(Math.max(top1.get("w4a4 pct 99.9"), top1.get("w4a4 pct 99.99")),
        Math.max(top1.get("w4a4 mse"), top1.get("w4a4 entropy")));
    rows.add(bar("w4a4: best histogram method beats max by >= 0.5 pt", delta(w4a4Hist - w4a4Max) + " pt",
        w4a4Hist - w4a4Max >= 0.5 - 1e-9));
    double w4a8 = best(top1, "w4a8");
    double loss = fp32 - w4a8;
    double recovered = top1.get("qat w4a8") - w4a8;
    rows.add(bar("QAT w4a8 recovers >= half its PTQ loss (" + delta(-loss) + " pt)", delta(recovered) + " pt",
        loss <= 0 || recovered >= loss / 2 - 1e-9));
    double w4a4 = best(top1, "w4a4");
    rows.add(bar("QAT w4a4 gains >= 0.5 pt on its PTQ start", delta(top1.get("qat w4a4") - w4a4) + " pt",
        top1.get("qat w4a4") - w4a4 >= 0.5 - 1e-9));
    String[] costBars = {"<= 1.30x", "<= 1.10x", "<= 1.25x", "< 100 ms"};
    double[] limits = {1.30, 1.10, 1.25, 100};
    for (int i = 0; i < costs.size() && i < limits.length; i++) {
      PairedTiming c = costs.get(i);
      boolean alone = c.plainMs().length == 0;
      double v = alone ? c.medianQuantizedMs() : c.medianRatio();
      rows.add(bar(c.what() + " " + costBars[i],
          alone ? ms(v) + " ms" : String.format(Locale.ROOT, "%.2fx", v), alone ? v < limits[i] : v <= limits[i]));
    }
    return new Table("Targets on " + dataset.cliName() + ": accuracy kept by PTQ, recovered by QAT, and the cost of"
        + " quantizing", List.of("target", "measured", "met"), rows,
        List.of("The accuracy targets are set for MNIST (w8a8) and Fashion-MNIST (w8a8, w4a4 histogram vs max, QAT w4a8"
            + " and w4a4); every data set prints them all."));
  }

  private static double best(Map<String, Double> top1, String setting) {
    double b = Double.NEGATIVE_INFINITY;
    for (AmaxChoice c : AmaxChoice.STANDARD) {
      b = Math.max(b, top1.get(setting + " " + c.label()));
    }
    return b;
  }

  private static List<String> bar(String what, String measured, boolean met) {
    return List.of(what, measured, met ? "yes" : "NO");
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String delta(double v) {
    return String.format(Locale.ROOT, "%+.2f", v);
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
