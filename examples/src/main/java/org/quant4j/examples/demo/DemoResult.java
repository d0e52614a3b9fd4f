package org.quant4j.examples.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quant4j.report.Table;

/**
 * What a demo run measured and wrote.
 *
 * @param top1 top-1 % by row name ("fp32", "w4a4 mse", "qat w4a4"), in the order the table prints them
 * @param bestPtq the best PTQ choice's label per setting ("w8a8" → "pct 99.99")
 * @param onnx the ONNX Runtime agreement of the best w8a8 model
 * @param costs the cost timings, empty when skipped
 * @param tables the accuracy, bars and cost tables as printed
 * @param report the report's index.html
 * @param onnxModel the exported ONNX model
 * @param amaxFile the best w8a8 model's quantizer state
 */
public record DemoResult(
    Map<String, Double> top1,
    Map<String, String> bestPtq,
    List<OnnxAgreement> onnx,
    List<PairedTiming> costs,
    List<Table> tables,
    Path report,
    Path onnxModel,
    Path amaxFile) {}
