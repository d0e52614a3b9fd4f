package org.quant4j.examples.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.cli.DemoRequest;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.examples.data.DemoDataset;
import org.quant4j.examples.data.TrainTest;
import org.quant4j.examples.lenet.Accuracy;
import org.quant4j.examples.lenet.CosineSchedules;
import org.quant4j.examples.lenet.LeNet5;
import org.quant4j.examples.lenet.Training;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;
import org.quant4j.report.Table;
import org.quant4j.tune.Format;
import org.quant4j.tune.MixedPrecisionSearch;
import org.quant4j.tune.SearchResult;

/**
 * The demo, step by step, as DESIGN.md's recipe fixes it: FP32 LeNet-5 (4 epochs, Adam 1e-3 cosine to
 * 1e-5, batch 64; cached), the control row (one more epoch on the QAT schedule), PTQ at w8a8 / w4a8 /
 * w4a4 calibrated on the first 1,024 training images in batches of 256 with max, percentile 99.9 /
 * 99.99, MSE and entropy, QAT for one epoch (Adam 1e-4 cosine to 1e-6) from the best PTQ of each
 * setting, top-1 on the test set, the best w8a8 model exported to QDQ ONNX and run in ONNX Runtime,
 * the costs as interleaved pairs, and the calibration report.
 */
public final class DemoPipeline {

  /** FP32 training epochs in the recipe. */
  public static final int FP32_EPOCHS = 4;
  /** Calibration images in the recipe. */
  public static final int CALIB_IMAGES = 1024;
  /** Calibration batch size in the recipe. */
  public static final int CALIB_BATCH = 256;
  /** Training steps (batches of {@link LeNet5#BATCH_SIZE}) per timing of the QAT cost pair. */
  static final int COST_STEPS = 10;
  /** How many QAT runs train at once: one per core of the 2-core machine the demo is sized for. */
  private static final int QAT_THREADS = 2;

  private static final long[] INPUT_SHAPE = {1, 1, 28, 28};

  /** The most top-1 points the automatic mixed-precision row may lose against FP32. */
  static final double AUTO_MAX_DROP = 0.5;

  /** The automatic mixed-precision row's name. */
  static final String AUTO_ROW = "auto mixed precision, <= 0.5 pt below FP32";

  private final DemoRequest request;
  private final DemoDataset dataset;
  private final PrintStream out;
  private final long started = System.nanoTime();

  /**
   * @param request what to run
   * @param out where progress and tables are printed (progress bars go to standard error)
   */
  public DemoPipeline(DemoRequest request, PrintStream out) {
    this.request = request;
    this.dataset = DemoDataset.of(request.dataset());
    this.out = out;
  }

  /**
   * Runs every step.
   *
   * @return what was measured and written
   * @throws Exception if a step fails
   */
  public DemoResult run() throws Exception {
    step("data: " + dataset.cliName() + " (cache " + request.dataDir() + ")");
    return run(dataset.load(request.dataDir()));
  }

  /**
   * Runs every step on given data (the request's data set still names the reference column and the
   * cached models).
   *
   * @param data the train and test images (28×28, one channel)
   * @return what was measured and written
   * @throws Exception if a step fails
   */
  public DemoResult run(TrainTest data) throws Exception {
    Files.createDirectories(request.outDir());
    out.printf("  train %s, test %s%n", data.train(), data.test());

    QuantModules.deactivate(); // FP32 networks must not get quantizers
    MultiLayerNetwork fp32 = fp32Model(data.train());
    INDArray fp32Params = fp32.params().dup();
    Map<String, Double> top1 = new LinkedHashMap<>();
    top1.put("fp32", evaluate("fp32", fp32, data.test()));
    MultiLayerNetwork control = controlModel(data.train(), fp32Params);
    top1.put("fp32 + control epoch", evaluate("fp32 + control epoch", control, data.test()));

    ImageSet calib = data.train().subset(0, Math.min(CALIB_IMAGES, data.train().size()));
    int calibBatches = (calib.size() + CALIB_BATCH - 1) / CALIB_BATCH;
    Map<String, String> bestPtq = new LinkedHashMap<>();
    Map<QuantSetting, MultiLayerNetwork> best = new LinkedHashMap<>();
    List<OnnxAgreement> onnx = List.of();
    Path onnxModel = request.outDir().resolve("lenet5-w8a8.onnx");
    Path amaxFile = request.outDir().resolve("lenet5-w8a8.amax.json");
    for (QuantSetting s : QuantSetting.values()) {
      step("PTQ " + s.label() + ": calibrate on " + calib.size() + " training images (" + calibBatches
          + " batches of " + CALIB_BATCH + "), every method");
      QuantModules.initialize(s.config("histogram"));
      MultiLayerNetwork hist = copyOnQatSchedule(data.train(), fp32Params);
      QuantModules.initialize(s.config("max"));
      MultiLayerNetwork max = copyOnQatSchedule(data.train(), fp32Params);
      QuantModules.deactivate();
      Calibration.collectStats(max, ImageSetIterator.inOrder(calib, CALIB_BATCH), calibBatches);
      Calibration.collectStats(hist, ImageSetIterator.inOrder(calib, CALIB_BATCH), calibBatches);
      AmaxChoice bestChoice = null;
      double bestTop1 = -1;
      for (AmaxChoice c : AmaxChoice.STANDARD) {
        MultiLayerNetwork net = load(c, hist, max);
        double acc = evaluate(s.label() + " " + c.label(), net, data.test());
        top1.put(s.label() + " " + c.label(), acc);
        if (acc > bestTop1) {
          bestTop1 = acc;
          bestChoice = c;
        }
      }
      bestPtq.put(s.label(), bestChoice.label());
      load(bestChoice, hist, max);
      if (bestChoice.method() == AmaxMethod.MAX) {
        copyAmax(max, hist);
      }
      out.printf("  best %s PTQ: %s (%.2f%%)%n", s.label(), bestChoice.label(), bestTop1);
      if (s == QuantSetting.W8A8) {
        QuantState.save(hist, amaxFile);
        onnx = exportAndCheck(hist, onnxModel, data.test());
      }
      best.put(s, hist);
    }
    qat(best, bestPtq, data, top1);
    SearchResult auto = autoMixedPrecision(fp32, calib, data.test(), bestPtq.get(QuantSetting.W4A4.label()));
    top1.put(AUTO_ROW, 100 * auto.achieved());

    List<PairedTiming> costs = request.costPairs() == 0 ? List.of()
        : measureCosts(fp32Params, best.get(QuantSetting.W8A8), calib, data);
    List<Table> tables = new ArrayList<>();
    tables.add(DemoTables.accuracy(dataset, data.name(), top1, bestPtq));
    tables.add(DemoTables.mixedPrecision(top1, bestPtq, auto));
    tables.add(DemoTables.onnx(onnx));
    if (!costs.isEmpty()) {
      tables.add(DemoTables.costs(costs));
    }
    tables.add(DemoTables.bars(dataset, top1, bestPtq, costs));
    StringBuilder text = new StringBuilder();
    for (Table t : tables) {
      text.append(t.toText()).append('\n');
    }
    out.println();
    out.print(text);
    step("calibration report");
    Path report = writeReport(best.get(QuantSetting.W8A8), data, tables, bestPtq.get("w8a8"), auto);
    Path results = request.outDir().resolve("results.txt");
    AtomicFiles.writeString(results, text.toString());
    out.printf("Wrote:%n  report      %s%n  ONNX model  %s%n  amax (w8a8) %s%n  tables      %s%n  models      %s%n",
        report.toAbsolutePath(), onnxModel.toAbsolutePath(), amaxFile.toAbsolutePath(), results.toAbsolutePath(),
        modelDir().toAbsolutePath());
    out.printf(Locale.ROOT, "Total time %.1f s wall, %.1f s CPU (this process)%n", seconds(), cpuSeconds());
    return new DemoResult(top1, bestPtq, onnx, costs, tables, report, onnxModel, amaxFile);
  }

  /**
   * One epoch of QAT from the best PTQ model of each integer setting, then its evaluation. The three
   * runs are independent networks with their own seeded shuffles, so they run {@link #QAT_THREADS} at
   * a time (one native thread each): the results are those of running them one after the other, in
   * about half the time on two cores.
   */
  private void qat(Map<QuantSetting, MultiLayerNetwork> best, Map<String, String> bestPtq, TrainTest data,
      Map<String, Double> top1) throws Exception {
    List<QuantSetting> settings = List.of(QuantSetting.W4A4, QuantSetting.W4A8, QuantSetting.W8A8);
    StringBuilder from = new StringBuilder();
    for (QuantSetting s : settings) {
      from.append(from.length() == 0 ? "" : ", ").append(s.label()).append(" from ").append(bestPtq.get(s.label()));
    }
    step("QAT, 1 epoch each (" + from + "), Adam 1e-4 cosine to 1e-6, " + QAT_THREADS + " at a time");
    Map<QuantSetting, Future<Double>> runs = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(QAT_THREADS, r -> {
      Thread t = new Thread(r, "quant4j-demo-qat");
      t.setDaemon(true);
      return t;
    });
    try (ProgressBar bar = Training.bar("QAT " + settings.size() + " runs",
        (long) settings.size() * Training.batchesPerEpoch(data.train()))) {
      for (QuantSetting s : settings) {
        MultiLayerNetwork net = best.get(s);
        runs.put(s, pool.submit(() -> {
          Training.fitOneEpoch(net, data.train(), request.seed() + 100 + s.ordinal(), bar);
          return Accuracy.top1(net, data.test());
        }));
      }
      for (Map.Entry<QuantSetting, Future<Double>> r : runs.entrySet()) {
        try {
          top1.put("qat " + r.getKey().label(), r.getValue().get());
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (QuantSetting s : settings) {
      printTop1("qat " + s.label(), top1.get("qat " + s.label()));
    }
  }

  private MultiLayerNetwork fp32Model(ImageSet train) throws IOException {
    Path file = modelDir().resolve(modelName("fp32"));
    if (!request.retrain() && Files.isRegularFile(file)) {
      step("FP32 LeNet-5: cached " + file);
      return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
    }
    step("FP32 LeNet-5: train " + FP32_EPOCHS + " epochs, Adam 1e-3 cosine to 1e-5, batch " + LeNet5.BATCH_SIZE);
    MultiLayerNetwork net = LeNet5.build(
        CosineSchedules.cosine(1e-3, 1e-5, Training.iterations(train, FP32_EPOCHS)), request.seed());
    Training.fit(net, train, FP32_EPOCHS, request.seed(), "FP32");
    save(net, file);
    return net;
  }

  private MultiLayerNetwork controlModel(ImageSet train, INDArray fp32Params) throws IOException {
    Path file = modelDir().resolve(modelName("control"));
    if (!request.retrain() && Files.isRegularFile(file)) {
      step("control row: cached " + file);
      return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
    }
    step("control row: FP32 + 1 epoch on the QAT schedule (Adam 1e-4 cosine to 1e-6)");
    MultiLayerNetwork net = copyOnQatSchedule(train, fp32Params);
    Training.fit(net, train, 1, request.seed() + 100 + QuantSetting.W8A8.ordinal(), "control");
    save(net, file);
    return net;
  }

  /**
   * A LeNet-5 on the QAT schedule holding the FP32 weights: quantized when QuantModules is active, plain
   * FP32 otherwise.
   */
  private MultiLayerNetwork copyOnQatSchedule(ImageSet train, INDArray fp32Params) {
    MultiLayerNetwork net = LeNet5.build(CosineSchedules.cosine(1e-4, 1e-6, Training.iterations(train, 1)), request.seed());
    net.setParams(fp32Params.dup());
    return net;
  }

  private MultiLayerNetwork load(AmaxChoice c, MultiLayerNetwork hist, MultiLayerNetwork max) {
    if (c.method() == AmaxMethod.MAX) {
      Calibration.computeAmax(max, AmaxMethod.MAX);
      return max;
    }
    Calibration.computeAmax(hist, c.method(), c.percentile());
    return hist;
  }

  private static void copyAmax(MultiLayerNetwork from, MultiLayerNetwork to) {
    Map<String, TensorQuantizer> src = Quantizers.of(from);
    Quantizers.of(to).forEach((name, q) -> {
      TensorQuantizer s = src.get(name);
      if (s != null && s.amax() != null) {
        q.setAmax(s.amax().dup());
      }
    });
  }

  /**
   * A format per layer from w4a4, w4a8, w8a8 and float, at most {@link #AUTO_MAX_DROP} points below FP32,
   * calibrated on the PTQ images with the method that won w4a4 PTQ.
   */
  private SearchResult autoMixedPrecision(MultiLayerNetwork fp32, ImageSet calib, ImageSet test, String w4a4Method) {
    step("auto mixed precision: w4a4, w4a8, w8a8 or float per layer, at most " + AUTO_MAX_DROP + " pt below FP32");
    AmaxChoice method = AmaxChoice.STANDARD.stream().filter(c -> c.label().equals(w4a4Method)).findFirst()
        .orElseThrow();
    SearchResult r = MixedPrecisionSearch.of(fp32).base(QuantSetting.W8A8.config("histogram"))
        .formats(List.of(Format.W4A4, Format.W4A8, Format.W8A8, Format.FLOAT))
        .calibration(calib, CALIB_BATCH, 0, method).data(test, Accuracy.EVAL_BATCH)
        .maxDrop(AUTO_MAX_DROP / 100).progress(true).run();
    printTop1(AUTO_ROW, 100 * r.achieved());
    out.printf("  %s%n  %s%n", r.assignmentText(), r.summary());
    return r;
  }

  private Path writeReport(MultiLayerNetwork net, TrainTest data, List<Table> tables, String chosen,
      SearchResult auto) throws IOException {
    CalibrationReport.Builder b = CalibrationReport.builder()
        .title("quant4j demo: LeNet-5 on " + data.name() + ", w8a8 calibration")
        .note("Inputs per tensor (histogram calibrator, 2048 bins, on the first " + Math.min(CALIB_IMAGES, data.train().size())
            + " training images), weights per output channel (max). Chosen: the best w8a8 PTQ choice, " + chosen + ".")
        .quantizers(Quantizers.of(net), AmaxChoice.STANDARD, chosen);
    tables.forEach(b::table);
    b.chart(auto.sensitivity().chart());
    return b.build().write(request.outDir().resolve("report"));
  }

  private List<OnnxAgreement> exportAndCheck(MultiLayerNetwork net, Path onnxModel, ImageSet test) throws Exception {
    step("export the best w8a8 model to QDQ ONNX (opset 13) and run it in ONNX Runtime's three sessions");
    OnnxExport.export(net, INPUT_SHAPE, onnxModel, ExportOptions.builder().dynamicBatch(true).build());
    List<OnnxAgreement> all = OnnxAgreement.measure(onnxModel, net, test);
    for (OnnxAgreement a : all) {
      out.printf(Locale.ROOT, "  ONNX Runtime (%s session) vs DL4J on %d test images: top-1 agreement %.2f%%,"
          + " max |diff| %.3g, ORT top-1 %.2f%%%n", a.session(), a.images(), 100 * a.top1Agreement(),
          a.maxAbsDiff(), a.onnxTop1());
    }
    return all;
  }

  private List<PairedTiming> measureCosts(INDArray fp32Params, MultiLayerNetwork qat, ImageSet calib, TrainTest data) {
    int pairs = request.costPairs();
    step("costs: " + pairs + " interleaved pairs each, medians");
    QuantModules.deactivate();
    MultiLayerNetwork plain = copyOnQatSchedule(data.train(), fp32Params);
    MultiLayerNetwork plainTrain = copyOnQatSchedule(data.train(), fp32Params);
    QuantModules.initialize(QuantSetting.W8A8.config("histogram"));
    MultiLayerNetwork calNet = copyOnQatSchedule(data.train(), fp32Params);
    QuantModules.deactivate();
    // Both sides of the calibration pair run the same ready-made batches: the pair times the pass, not
    // the making of batches from images.
    List<DataSet> calibSets = batches(calib, CALIB_BATCH, Integer.MAX_VALUE);
    List<DataSet> testSets = batches(data.test(), CALIB_BATCH, 4);
    List<DataSet> steps = new ArrayList<>();
    ImageSetIterator it = ImageSetIterator.shuffled(data.train(), LeNet5.BATCH_SIZE, request.seed() + 7);
    for (int i = 0; i < COST_STEPS && it.hasNext(); i++) {
      steps.add(it.next());
    }
    List<PairedTiming> costs = new ArrayList<>();
    costs.add(PairedTiming.measure("histogram calibration pass vs FP32 forward (" + calib.size() + " images)", pairs,
        () -> Calibration.collectStats(calNet, new ListDataSetIterator<>(calibSets, CALIB_BATCH), calibSets.size()),
        () -> calibSets.forEach(d -> plain.output(d.getFeatures(), false))));
    costs.add(PairedTiming.measure("fake-quant inference vs FP32 inference (" + testSets.size() * CALIB_BATCH + " images)",
        pairs, () -> testSets.forEach(d -> qat.output(d.getFeatures(), false)),
        () -> testSets.forEach(d -> plain.output(d.getFeatures(), false))));
    costs.add(PairedTiming.measure("QAT step vs FP32 step (w8a8, " + steps.size() + " steps of " + LeNet5.BATCH_SIZE + ")",
        pairs, () -> steps.forEach(qat::fit), () -> steps.forEach(plainTrain::fit)));
    costs.add(PairedTiming.measureAlone("entropy computeAmax over all " + Quantizers.of(calNet).size() + " quantizers",
        pairs, () -> Calibration.computeAmax(calNet, AmaxMethod.ENTROPY)));
    return costs;
  }

  /** Up to {@code count} batches of {@code batch} images, in order. */
  private static List<DataSet> batches(ImageSet images, int batch, int count) {
    List<DataSet> sets = new ArrayList<>();
    ImageSetIterator it = ImageSetIterator.inOrder(images, batch);
    while (it.hasNext() && sets.size() < count) {
      sets.add(it.next());
    }
    return sets;
  }

  private double evaluate(String row, MultiLayerNetwork net, ImageSet test) {
    double acc = Accuracy.top1(net, test);
    printTop1(row, acc);
    return acc;
  }

  private void printTop1(String row, double acc) {
    out.printf(Locale.ROOT, "  %-24s top-1 %6.2f%%%n", row, acc);
  }

  private Path modelDir() {
    return request.dataDir().resolve("models");
  }

  /**
   * A cached model's file name. The {@code -dl4j} suffix marks models whose configuration names DL4J classes
   * only (their learning-rate schedule is a DL4J {@code MapSchedule}), so that any DL4J application loads
   * them; caches from before, which named a quant4j schedule class, are left alone and retrained.
   */
  private String modelName(String which) {
    return "lenet5-" + dataset.cliName() + "-" + which + "-seed" + request.seed() + "-dl4j.zip";
  }

  private static void save(MultiLayerNetwork net, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, out -> ModelSerializer.writeModel(net, out, true));
  }

  private void step(String what) {
    out.printf(Locale.ROOT, "[%6.1f s wall, %6.1f s CPU] %s%n", seconds(), cpuSeconds(), what);
  }

  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
