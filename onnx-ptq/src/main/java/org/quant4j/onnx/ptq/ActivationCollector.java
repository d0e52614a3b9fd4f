package org.quant4j.onnx.ptq;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import onnx.Onnx.GraphProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.TensorQuantizer;

/**
 * Feeds calibration batches through the FP32 model in ONNX Runtime and hands every quantized
 * activation to its quantizer's calibrator. The model is run as a copy with each activation to be
 * quantized added as a graph output; a quantized graph input is read from the batch itself.
 *
 * <p>Memory stays flat in the number of batches, and the calibrators' work overlaps the next batch's
 * inference: once a batch shape has been seen, ONNX Runtime writes the activations straight into one
 * of two sets of ND4J arrays (pinned outputs over the arrays' own memory, no copy), and while it fills
 * one set, a background thread lets the calibrators collect the other. A batch of a new shape (the
 * first, or a shorter last one) is fetched the ordinary way and sizes the two sets for the batches
 * that follow (its activations are copied into the first set and collected like the others).
 */
final class ActivationCollector implements AutoCloseable {

  private final OrtSession session;
  private final Map<String, TensorQuantizer> byTensor;
  private final Set<String> fetched = new LinkedHashSet<>();
  private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "quant4j-onnx-calibration");
    t.setDaemon(true);
    return t;
  });
  private final Outputs[] sets = new Outputs[2];
  private Map<String, long[]> setShapes;
  private int next;
  private Future<?> pending;

  /** One set of pinned outputs: ND4J arrays and the ONNX Runtime tensors over their memory. */
  private record Outputs(Map<String, INDArray> arrays, Map<String, OnnxTensor> tensors) implements AutoCloseable {
    @Override
    public void close() {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

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
   * Runs one batch; its activations are collected now or, on the background thread, while the next
   * batch runs ({@link #finish} waits for the last one).
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
    try {
      if (sameShapes(batch.shapes(), setShapes)) {
        Outputs set = sets[next];
        next ^= 1;
        session.run(inputs, Set.of(), set.tensors()).close();
        finish();
        pending = background.submit(() -> set.arrays().forEach((tensor, a) -> byTensor.get(tensor).apply(a)));
        return;
      }
      finish();
      releaseSets();
      try (OrtSession.Result result = session.run(inputs, fetched)) {
        Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        for (String tensor : fetched) {
          Optional<OnnxValue> v = result.get(tensor);
          if (v.isEmpty() || !(v.get() instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
            throw new IllegalStateException("ONNX Runtime returned no float32 tensor for '" + tensor + "'");
          }
          outputs.put(tensor, t);
        }
        for (int i = 0; i < sets.length; i++) {
          sets[i] = allocate(outputs);
        }
        Outputs set = sets[next];
        next ^= 1;
        for (Map.Entry<String, OnnxTensor> e : outputs.entrySet()) {
          set.arrays().get(e.getKey()).data().asNioFloat().put(e.getValue().getFloatBuffer());
        }
        pending = background.submit(() -> set.arrays().forEach((tensor, a) -> byTensor.get(tensor).apply(a)));
      }
      setShapes = batch.shapes();
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Waits until every batch run so far has been collected. */
  void finish() {
    if (pending == null) {
      return;
    }
    try {
      pending.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calibrating", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pending = null;
    }
  }

  /** A set of pinned outputs shaped like the tensors of a run (uninitialised: every run overwrites it). */
  private static Outputs allocate(Map<String, OnnxTensor> like) throws OrtException {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, OnnxTensor> e : like.entrySet()) {
        long[] shape = e.getValue().getInfo().getShape();
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        arrays.put(e.getKey(), a);
        tensors.put(e.getKey(), OnnxTensor.createTensor(OrtSessions.environment(), a.data().asNioFloat(), shape));
      }
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
    return new Outputs(arrays, tensors);
  }

  private void releaseSets() {
    for (int i = 0; i < sets.length; i++) {
      if (sets[i] != null) {
        sets[i].close();
        sets[i] = null;
      }
    }
    setShapes = null;
    next = 0;
  }

  private static boolean sameShapes(Map<String, long[]> a, Map<String, long[]> b) {
    if (b == null || !a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, long[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws OrtException {
    try {
      finish();
    } finally {
      background.shutdownNow();
      releaseSets();
      session.close();
    }
  }
}
