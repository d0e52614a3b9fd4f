package org.quant4j.onnx.ptq;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;

import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.quant4j.data.ImageSet;
import org.quant4j.internal.ProgressBars;

/**
 * Runs an image classifier (FP32 or QDQ ONNX) in ONNX Runtime over an {@link ImageSet} and compares
 * predictions: top-1 accuracy and the agreement of two models. The images are fed as
 * {@code [batch, channels, height, width]} to one input; the prediction is the arg-max of the first
 * output's last axis.
 */
public final class OnnxClassifier {

  private OnnxClassifier() {}

  /**
   * The predicted class of every image.
   *
   * @param model the serialized model
   * @param mode the session kind (see {@link OrtSessions})
   * @param inputName the graph input to feed
   * @param images the images
   * @param batchSize images per run
   * @return one class index per image
   * @throws OrtException if ONNX Runtime cannot run the model
   * @throws IllegalArgumentException if the batch size is not positive
   */
  public static int[] predict(byte[] model, OrtSessions.Mode mode, String inputName, ImageSet images, int batchSize)
      throws OrtException {
    return predict(model, mode, inputName, images, batchSize, false);
  }

  /**
   * The predicted class of every image, optionally with a progress bar on the console.
   *
   * @param model the serialized model
   * @param mode the session kind (see {@link OrtSessions})
   * @param inputName the graph input to feed
   * @param images the images
   * @param batchSize images per run
   * @param progress whether to show a progress bar
   * @return one class index per image
   * @throws OrtException if ONNX Runtime cannot run the model
   * @throws IllegalArgumentException if the batch size is not positive
   */
  public static int[] predict(byte[] model, OrtSessions.Mode mode, String inputName, ImageSet images, int batchSize,
      boolean progress) throws OrtException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    int n = images.size();
    int item = images.imageSize();
    int[] predictions = new int[n];
    try (OrtSession session = OrtSessions.open(model, mode);
        ProgressBar bar = progress ? ProgressBars.builder("evaluating (" + mode.label() + ")", n).build() : null) {
      for (int from = 0; from < n; from += batchSize) {
        int count = Math.min(batchSize, n - from);
        FloatBuffer pixels = FloatBuffer.wrap(images.pixels(), from * item, count * item).slice();
        try (OnnxTensor x = OnnxTensor.createTensor(OrtSessions.environment(), pixels, images.batchShape(count));
            OrtSession.Result result = session.run(Map.of(inputName, x))) {
          OnnxTensor logits = (OnnxTensor) result.get(0);
          long[] shape = logits.getInfo().getShape();
          int classes = (int) shape[shape.length - 1];
          FloatBuffer fb = logits.getFloatBuffer();
          for (int i = 0; i < count; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
              if (fb.get(i * classes + c) > fb.get(i * classes + best)) {
                best = c;
              }
            }
            predictions[from + i] = best;
          }
        }
        if (bar != null) {
          bar.stepBy(count);
        }
      }
    }
    return predictions;
  }

  /**
   * Top-1 accuracy in percent.
   *
   * @param predictions the predicted classes
   * @param labels the true classes
   * @return the share of equal entries, times 100
   * @throws IllegalArgumentException if the lengths differ or are 0
   */
  public static double top1(int[] predictions, int[] labels) {
    return agreement(predictions, labels);
  }

  /**
   * How often two models predict the same class, in percent.
   *
   * @param a one model's predictions
   * @param b the other's
   * @return the share of equal entries, times 100
   * @throws IllegalArgumentException if the lengths differ or are 0
   */
  public static double agreement(int[] a, int[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("expected two non-empty arrays of one length, got lengths "
          + a.length + " and " + b.length);
    }
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return 100.0 * same / a.length;
  }
}
