package org.quant4j.onnx.ptq;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;

/**
 * Feeds calibration batches through the FP32 model in ONNX Runtime and hands every quantized
 * activation to its quantizer's calibrator. The model is run as a copy with each activation to be
 * quantized added as a graph output, and only those outputs are fetched; a quantized graph input is
 * read from the batch itself. Each batch's tensors are released before the next one runs, so memory
 * does not grow with the number of batches.
 */
final class ActivationCollector implements AutoCloseable {

  private final OrtSession session;
  private final Map<String, TensorQuantizer> byTensor;
  private final Set<String> fetched = new LinkedHashSet<>();

  /**
   * Opens the calibration session.
   *
   * @param model the FP32 model
   * @param byTensor the quantizer of each activation tensor to calibrate, in calibration mode
   * @throws OrtException if ONNX Runtime rejects the model
   */
  ActivationCollector(OnnxModel model, Map<String, TensorQuantizer> byTensor) throws OrtException {
    this.byTensor = new LinkedHashMap<>(byTensor);
    GraphProto graph = model.proto().getGraph();
    Set<String> outputs = new LinkedHashSet<>();
    graph.getOutputList().forEach(v -> outputs.add(v.getName()));
    GraphProto.Builder g = graph.toBuilder();
    for (String tensor : byTensor.keySet()) {
      if (model.inputs().containsKey(tensor)) {
        continue;
      }
      fetched.add(tensor);
      if (!outputs.contains(tensor)) {
        g.addOutput(ValueInfoProto.newBuilder().setName(tensor).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
      }
    }
    byte[] bytes = model.proto().toBuilder().setGraph(g).build().toByteArray();
    this.session = OrtSessions.open(bytes, OrtSessions.Mode.DEFAULT);
  }

  /**
   * Runs one batch and lets every quantizer collect its tensor.
   *
   * @param batch the checked inputs
   * @throws OrtException if ONNX Runtime fails to run the batch
   */
  void collect(InputBatch batch) throws OrtException {
    for (Map.Entry<String, float[]> in : batch.values().entrySet()) {
      TensorQuantizer q = byTensor.get(in.getKey());
      if (q != null) {
        q.apply(Nd4j.create(in.getValue(), batch.shapes().get(in.getKey()), 'c'));
      }
    }
    if (fetched.isEmpty()) {
      return;
    }
    Map<String, OnnxTensor> inputs = batch.toOrt();
    try (OrtSession.Result result = session.run(inputs, fetched)) {
      for (String tensor : fetched) {
        Optional<OnnxValue> v = result.get(tensor);
        if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) {
          throw new IllegalStateException("ONNX Runtime returned no tensor for '" + tensor + "'");
        }
        byTensor.get(tensor).apply(toArray(t));
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static INDArray toArray(OnnxTensor t) {
    FloatBuffer fb = t.getFloatBuffer();
    if (fb == null) {
      throw new IllegalStateException("activation tensor is " + t.getInfo().type + ", expected float32");
    }
    float[] data = new float[fb.remaining()];
    fb.get(data);
    return Nd4j.create(data, t.getInfo().getShape(), 'c');
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
