package org.quant4j.examples.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.examples.lenet.Accuracy;

/**
 * How closely an exported ONNX model, run in ONNX Runtime, agrees with the DL4J network it came from
 * on the same images.
 *
 * @param images how many images were compared
 * @param top1Agreement the fraction of images with the same arg-max class, in [0, 1]
 * @param maxAbsDiff the largest |ONNX output - DL4J output| over all images and classes
 * @param onnxTop1 the ONNX model's top-1 accuracy in %
 */
public record OnnxAgreement(int images, double top1Agreement, double maxAbsDiff, double onnxTop1) {

  /**
   * Runs the model in ONNX Runtime (CPU) and the network in DL4J on the same batches.
   *
   * @param onnx the exported model (dynamic batch)
   * @param net the DL4J network, in the state it was exported in
   * @param test labelled images
   * @return the agreement
   * @throws OrtException if ONNX Runtime cannot load or run the model
   */
  public static OnnxAgreement measure(Path onnx, Model net, ImageSet test) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(onnx.toString(), opts)) {
        String input = session.getInputNames().iterator().next();
        ImageSetIterator it = ImageSetIterator.inOrder(test, Accuracy.EVAL_BATCH);
        long same = 0;
        long correct = 0;
        double maxDiff = 0;
        int offset = 0;
        while (it.hasNext()) {
          DataSet ds = it.next();
          INDArray x = ds.getFeatures();
          float[][] dl4j = Accuracy.output(net, x).toFloatMatrix();
          float[][] ort;
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data().asFloat()), x.shape());
              OrtSession.Result r = session.run(Map.of(input, t))) {
            ort = (float[][]) r.get(0).getValue();
          }
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
        return new OnnxAgreement(offset, (double) same / offset, maxDiff, 100.0 * correct / offset);
      }
    }
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
