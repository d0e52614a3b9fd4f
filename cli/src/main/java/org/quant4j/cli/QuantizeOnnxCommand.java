package org.quant4j.cli;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.data.ImageFiles;
import org.quant4j.onnx.ptq.OnnxClassifier;
import org.quant4j.onnx.ptq.OnnxQuantizer;
import org.quant4j.onnx.ptq.OrtSessions;
import org.quant4j.onnx.ptq.QuantizationReport;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quant4j quantize-onnx}: post-training quantization of an FP32 ONNX model (from PyTorch,
 * TensorFlow or a model zoo) into a QDQ ONNX model, calibrated on images with quant4j's calibrators in
 * ONNX Runtime; optionally evaluates FP32 and QDQ top-1 on labelled images and writes the calibration
 * report. Images are normalised as {@code (x * scale - mean[c]) / std[c]} before they are fed.
 */
@Command(name = "quantize-onnx", mixinStandardHelpOptions = true,
    description = "Quantize an FP32 ONNX model to QDQ ONNX, calibrated on IDX, numpy (.npy/.npz) or image-folder images.")
final class QuantizeOnnxCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "The FP32 ONNX model (opset 13 or later).")
  Path model;

  @Option(names = "--data", required = true,
      description = "Calibration images: IDX (plain or .gz), .npy ([n,c,h,w], [n,h,w] or [n,d]), .npz (array x or images),"
          + " or a folder of PNG/JPEG/BMP/GIF images (one sub-folder per class for --eval).")
  Path data;

  @Option(names = "--input-name", description = "The graph input the images feed. Default: the model's only data input.")
  String inputName;

  @Option(names = "--scale", description = "Every value is multiplied by this, e.g. 1/255. Default: 1, the values as"
      + " read (a note says so when they reach past 1)")
  String scale;

  @Option(names = "--mean", split = ",", description = "Subtracted after scaling, one value or one per channel. Default: 0")
  float[] mean = {0f};

  @Option(names = "--std", split = ",", description = "Divides after the mean, one value or one per channel. Default: 1")
  float[] std = {1f};

  @Option(names = "--method", defaultValue = "max", description = "How activation amax is chosen: max, percentile, mse or entropy. Default: ${DEFAULT-VALUE}")
  String method;

  @Option(names = "--percentile", defaultValue = "99.99", description = "The percentile of --method percentile. Default: ${DEFAULT-VALUE}")
  double percentile;

  @Option(names = "--num-bits", defaultValue = "8", description = "Bits of every quantizer (ONNX Q/DQ writes 8). Default: ${DEFAULT-VALUE}")
  int numBits;

  @Option(names = "--config", description = "QuantConfig YAML or JSON (overrides, enable: false, residual: true for Add inputs).")
  Path config;

  @Option(names = "--batches", defaultValue = "0", description = "Calibration batches to use; 0 = all the data. Default: ${DEFAULT-VALUE}")
  int batches;

  @Option(names = "--batch-size", defaultValue = "256", description = "Images per calibration batch. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--out", required = true, description = "The QDQ ONNX model to write.")
  Path out;

  @Option(names = "--eval", description = "Labelled images (IDX with its labels file beside it, .npz with x and y, or a folder"
      + " of class sub-folders): print FP32 and QDQ top-1.")
  Path eval;

  @Option(names = "--eval-labels", description = "The labels of --eval when they are a separate file (IDX or .npy).")
  Path evalLabels;

  @Option(names = "--report", description = "Also write the calibration report (HTML, histograms) into this directory.")
  Path report;

  @Override
  public Integer call() throws IOException {
    OnnxQuantizer.requireDistinctOutput(model, out);
    AmaxMethod amaxMethod = AmaxMethod.of(method);
    QuantGrid.requireNumBits(numBits, 1, "--num-bits");
    Normalization norm = Normalization.parse(scale == null ? "1" : scale, mean, std);
    QuantDescriptor input = QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR.toBuilder().numBits(numBits)
        .calibMethod(amaxMethod == AmaxMethod.MAX ? "max" : "histogram").build();
    QuantDescriptor weight = QuantDescriptor.QUANT_DESC_8BIT_CONV2D_WEIGHT_PER_CHANNEL.toBuilder().numBits(numBits).build();
    OnnxQuantizer.Builder builder = OnnxQuantizer.builder().model(model).method(amaxMethod, percentile)
        .maxBatches(batches).progress(true);
    if (config != null) {
      builder.config(QuantConfig.load(config));
    } else {
      builder.input(input).weight(weight);
    }
    OnnxQuantizer probe = builder.calibrationData(List.of()).build();
    String name = inputName(probe);
    long[] shape = probe.inputs().get(name);
    ImageSet raw = ImageFiles.read(data, null);
    ImageSet calibration = Batches.fit(norm.apply(raw, "--data " + data), shape, "--data " + data);
    ImageSet labelled = eval == null ? null : Batches.fit(labelledEval(norm), shape, "--eval " + eval);
    OnnxQuantizer quantizer = builder.calibrationData(new Batches(calibration, batchSize, name, shape)).build();
    if (scale == null) {
      noteUnscaled(raw);
    }
    QuantizationReport result = quantizer.quantize(out);
    System.out.println(result.summary());
    System.out.println("quant4j quantize-onnx: wrote " + out);
    if (labelled != null) {
      evaluate(name, labelled);
    }
    if (report != null) {
      AmaxChoice choice = new AmaxChoice(amaxMethod, percentile);
      Path index = CalibrationReport.builder()
          .title("quant4j calibration report: " + model.getFileName())
          .note("Calibrated in ONNX Runtime on " + result.batches() + " batches (" + result.samples() + " images) of "
              + data + "; method " + choice.label() + ".")
          .quantizers(result.quantizers(), AmaxChoice.STANDARD, choice.label())
          .build().write(report);
      System.out.println("report: " + index.toAbsolutePath());
    }
    return 0;
  }

  /**
   * Says on stderr that values past 1 (8-bit pixels, say) are fed as read because no {@code --scale} was given:
   * a model trained on pixels / 255 would otherwise be calibrated on the wrong range without a word.
   */
  private void noteUnscaled(ImageSet raw) {
    float max = 0;
    for (float v : raw.pixels()) {
      max = Math.max(max, Math.abs(v));
    }
    if (max > 1) {
      spec.commandLine().getErr().printf(Locale.ROOT, "quant4j quantize-onnx: note: --data values reach %s and no"
          + " --scale was given, so they are fed as read; a model trained on pixels / 255 needs --scale 1/255"
          + " (--scale 1 keeps them as read without this note)%n", max);
    }
  }

  private String inputName(OnnxQuantizer quantizer) {
    Map<String, long[]> inputs = quantizer.inputs();
    if (inputName != null) {
      if (!inputs.containsKey(inputName)) {
        throw new IllegalArgumentException("--input-name '" + inputName + "' is not an input of the graph; its inputs are "
            + inputs.keySet());
      }
      if (inputs.size() > 1) {
        throw new IllegalArgumentException("the graph has inputs " + inputs.keySet()
            + "; quantize-onnx feeds one, use the OnnxQuantizer API for several");
      }
      return inputName;
    }
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("the graph has inputs " + inputs.keySet()
          + "; quantize-onnx feeds one, use the OnnxQuantizer API for several");
    }
    return inputs.keySet().iterator().next();
  }

  private ImageSet labelledEval(Normalization norm) throws IOException {
    Path labels = evalLabels != null ? evalLabels : ImageFiles.idxLabelsBeside(eval);
    ImageSet set = norm.apply(ImageFiles.read(eval, labels), "--eval " + eval);
    if (!set.labelled()) {
      throw new IllegalArgumentException("--eval " + eval + " has no labels: give --eval-labels, an IDX images file"
          + " with its labels-idx1 file beside it, or a .npz with arrays x and y");
    }
    return set;
  }

  private void evaluate(String name, ImageSet shaped) throws IOException {
    try {
      byte[] fp32 = Files.readAllBytes(model);
      byte[] qdq = Files.readAllBytes(out);
      int[] reference = OnnxClassifier.predict(fp32, OrtSessions.Mode.DEFAULT, name, shaped, 1000, true);
      double fp32Top1 = OnnxClassifier.top1(reference, shaped.labels());
      System.out.printf(Locale.ROOT, "%-8s %10s %10s %10s%n", "session", "FP32", "QDQ", "agreement");
      for (OrtSessions.Mode mode : OrtSessions.Mode.values()) {
        int[] p = OnnxClassifier.predict(qdq, mode, name, shaped, 1000, true);
        System.out.printf(Locale.ROOT, "%-8s %9.2f%% %9.2f%% %9.2f%%%n", mode.label(), fp32Top1,
            OnnxClassifier.top1(p, shaped.labels()), OnnxClassifier.agreement(p, reference));
      }
      System.out.println("top-1 on " + shaped.size() + " images of " + eval + " in ONNX Runtime "
          + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion() + "; int8: session.qdqisint8allowed=1,"
          + " no-opt: graph optimisation off");
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not evaluate: " + e.getMessage(), e);
    }
  }

  /** {@code (x * scale - mean[c]) / std[c]}, with the scale read as a number or a fraction such as 1/255. */
  private record Normalization(float numerator, float denominator, float[] mean, float[] std) {

    static Normalization parse(String scale, float[] mean, float[] std) {
      String[] parts = scale.split("/");
      try {
        float num = Float.parseFloat(parts[0].strip());
        float den = parts.length == 2 ? Float.parseFloat(parts[1].strip()) : 1f;
        if (parts.length > 2 || !(den != 0) || !Float.isFinite(num) || !Float.isFinite(den)) {
          throw new NumberFormatException();
        }
        for (float s : std) {
          if (!(s != 0) || !Float.isFinite(s)) {
            throw new IllegalArgumentException("--std " + Arrays.toString(std) + " must be finite and non-zero");
          }
        }
        return new Normalization(num, den, mean, std);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--scale '" + scale + "' must be a number or a fraction such as 1/255");
      }
    }

    ImageSet apply(ImageSet raw, String what) {
      int c = raw.channels();
      for (float[] values : List.of(mean, std)) {
        if (values.length != 1 && values.length != c) {
          throw new IllegalArgumentException(what + " has " + c + " channels, but --mean/--std give "
              + values.length + " values; give one, or one per channel");
        }
      }
      float[] in = raw.pixels();
      float[] x = new float[in.length];
      int plane = raw.height() * raw.width();
      for (int i = 0; i < in.length; i++) {
        int ch = (i / plane) % c;
        float m = mean[mean.length == 1 ? 0 : ch];
        float s = std[std.length == 1 ? 0 : ch];
        x[i] = (in[i] * numerator / denominator - m) / s;
        if (!Float.isFinite(x[i])) {
          throw new IllegalArgumentException(what + " holds " + in[i] + " at flat index " + i
              + " (" + x[i] + " after normalisation), expected finite values");
        }
      }
      return new ImageSet(x, raw.labels(), c, raw.height(), raw.width(), raw.numClasses());
    }
  }

  /** The images as calibration batches for one graph input, each an array of the input's shape. */
  private static final class Batches extends AbstractList<Map<String, ?>> {
    private final ImageSet images;
    private final int batchSize;
    private final String inputName;
    private final long[] inputShape;

    Batches(ImageSet images, int batchSize, String inputName, long[] inputShape) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("--batch-size must be positive, got " + batchSize);
      }
      this.images = images;
      this.batchSize = batchSize;
      this.inputName = inputName;
      this.inputShape = inputShape;
    }

    @Override
    public Map<String, ?> get(int index) {
      ImageSet batch = images.subset(index * batchSize, Math.min(images.size(), (index + 1) * batchSize));
      long[] shape = inputShape.length == 4
          ? new long[] {batch.size(), batch.channels(), batch.height(), batch.width()}
          : inputShape.clone();
      shape[0] = batch.size();
      return Map.of(inputName, Nd4j.create(batch.pixels(), shape, 'c'));
    }

    @Override
    public int size() {
      return (images.size() + batchSize - 1) / batchSize;
    }

    /**
     * Checks that the images fit the graph input: an input of shape [N, c, h, w] takes them as they are
     * (known dimensions equal); an input of another rank with a known item size takes them flattened to
     * its shape when an image has as many values.
     *
     * @return the images
     */
    static ImageSet fit(ImageSet images, long[] declared, String what) {
      long[] item = {images.channels(), images.height(), images.width()};
      boolean fits;
      if (declared.length == 4) {
        fits = true;
        for (int d = 1; d < 4; d++) {
          fits &= declared[d] < 0 || declared[d] == item[d - 1];
        }
      } else {
        long want = declared.length == 0 ? -1 : 1;
        for (int d = 1; d < declared.length && want > 0; d++) {
          want = declared[d] < 0 ? -1 : want * declared[d];
        }
        fits = want == images.imageSize();
      }
      if (!fits) {
        throw new IllegalArgumentException(what + " has images of shape " + Arrays.toString(item)
            + ", which do not fit the graph input's shape " + describe(declared));
      }
      return images;
    }

    private static String describe(long[] shape) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < shape.length; i++) {
        b.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? "N" : Long.toString(shape[i]));
      }
      return b.append(']').toString();
    }
  }
}
