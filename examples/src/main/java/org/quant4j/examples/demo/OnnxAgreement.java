package org.quant4j.examples.demo;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.examples.lenet.Accuracy;

/**
 * How closely an exported ONNX model, run in one kind of ONNX Runtime session, agrees with the DL4J network it
 * came from on the same images.
 *
 * @param session the ORT session: optimisations off, ORT's defaults, or the int8 session users deploy with
 *     ({@link OnnxRuntimeRunner.Kind})
 * @param images how many images were compared
 * @param top1Agreement the fraction of images with the same arg-max class, in [0, 1]
 * @param maxAbsDiff the largest |ONNX output - DL4J output| over all images and classes
 * @param onnxTop1 the ONNX model's top-1 accuracy in %
 */
public record OnnxAgreement(OnnxRuntimeRunner.Kind session, int images, double top1Agreement, double maxAbsDiff,
    double onnxTop1) {

  /**
   * Runs the model in every kind of ORT session (CPU, one thread) and the network in DL4J on the same batches.
   *
   * @param onnx the exported model (dynamic batch, input named {@code input})
   * @param net the DL4J network, in the state it was exported in
   * @param test labelled images
   * @return one agreement per session kind, in {@link OnnxRuntimeRunner.Kind} order
   * @throws OrtException if ONNX Runtime cannot load or run the model
   * @throws IOException if the model cannot be read
   */
  public static List<OnnxAgreement> measure(Path onnx, Model net, ImageSet test) throws OrtException, IOException {
    byte[] model = Files.readAllBytes(onnx);
    List<OnnxAgreement> all = new ArrayList<>();
    for (OnnxRuntimeRunner.Kind kind : OnnxRuntimeRunner.Kind.values()) {
      try (OnnxRuntimeRunner.Session session = OnnxRuntimeRunner.open(model, kind, null)) {
        ImageSetIterator it = ImageSetIterator.inOrder(test, Accuracy.EVAL_BATCH);
        long same = 0;
        long correct = 0;
        double maxDiff = 0;
        int offset = 0;
        while (it.hasNext()) {
          DataSet ds = it.next();
          INDArray x = ds.getFeatures();
          float[][] dl4j = Accuracy.output(net, x).toFloatMatrix();
          float[][] ort = session.run("input", x).toFloatMatrix();
          for (int i = 0; i < dl4j.length; i++) {
            int a = argMax(dl4j[i]);
            int b = argMax(ort[i]);
            same += a == b ? 1 : 0;
            correct += b == test.labels()[offset + i] ? 1 : 0;
            for (int c = 0; c < dl4j[i].length; c++) {
              maxDiff = Math.max(maxDiff, Math.abs(dl4j[i][c] - ort[i][c]));
            }
          }
          offset += dl4j.length;
        }
        all.add(new OnnxAgreement(kind, offset, (double) same / offset, maxDiff, 100.0 * correct / offset));
      }
    }
    return all;
  }

  private static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
