package org.quant4j.onnx.ptq;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * inference: ONNX Runtime writes the activations straight into one of two sets of ND4J arrays (pinned
 * outputs over the arrays' own memory, no copy), and while it fills one set, a background thread lets
 * the calibrators collect the other. The sets are shaped for each new batch shape (the first, or a
 * shorter last one) from the shapes ONNX Runtime inferred for the graph, a symbolic dimension taking
 * the size of the input dimension of the same name. Where that cannot tell every dimension, or ONNX
 * Runtime refuses the prediction, the batch is fetched the ordinary way, sizes the sets for the batches
 * that follow, and is copied into the first.
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
  private final Map<String, TensorInfo> inputInfo;
  private final Map<String, TensorInfo> outputInfo;
  /** The input shapes the sets are shaped for; null when there are no sets. */
  private Map<String, long[]> setShapes;
  /** False once ONNX Runtime refused a predicted shape: later batches of a new shape are fetched. */
  private boolean predict = true;
  private int next;
  private Future<?> pending;

  /**
   * One set of pinned outputs: ND4J arrays and the ONNX Runtime tensors over their memory. Closing it frees
   * that memory at once rather than when the arrays are garbage collected, so repeated calibrations in one
   * JVM do not pile up off-heap memory.
   */
  private record Outputs(Map<String, INDArray> arrays, Map<String, OnnxTensor> tensors) implements AutoCloseable {
    @Override
    public void close() {
      tensors.values().forEach(OnnxTensor::close);
      arrays.values().forEach(INDArray::close);
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
    this.session = OrtSessions.openForCalibration(bytes);
    this.inputInfo = tensorInfos(session.getInputInfo());
    this.outputInfo = tensorInfos(session.getOutputInfo());
  }

  private static Map<String, TensorInfo> tensorInfos(Map<String, NodeInfo> infos) {
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    infos.forEach((name, info) -> {
      if (info.getInfo() instanceof TensorInfo t) {
        tensors.put(name, t);
      }
    });
    return tensors;
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
        runPinned(inputs, false);
        return;
      }
      releaseSets();
      Map<String, long[]> shapes = predict ? predictShapes(batch.shapes()) : null;
      if (shapes != null) {
        allocateSets(shapes, batch.shapes());
        if (runPinned(inputs, true)) {
          return;
        }
        predict = false;
        releaseSets();
      }
      runFetched(inputs, batch.shapes());
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * Runs a batch into the next set of pinned outputs and hands that set to the background thread once the
   * previous one is collected.
   *
   * @param predicted whether the set's shapes are a prediction not yet run: then a run ONNX Runtime
   *     refuses returns false instead of throwing
   * @return whether the batch ran
   */
  private boolean runPinned(Map<String, OnnxTensor> inputs, boolean predicted) throws OrtException {
    Outputs set = sets[next];
    try {
      session.run(inputs, Set.of(), set.tensors()).close();
    } catch (OrtException e) {
      if (predicted) {
        return false;
      }
      throw e;
    }
    next ^= 1;
    submit(set);
    return true;
  }

  /**
   * Runs a batch whose activations' shapes are not known beforehand: the outputs are fetched the ordinary
   * way, shape the two sets for the batches that follow, and are copied into the first.
   */
  private void runFetched(Map<String, OnnxTensor> inputs, Map<String, long[]> inputShapes) throws OrtException {
    try (OrtSession.Result result = session.run(inputs, fetched)) {
      Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (String tensor : fetched) {
        Optional<OnnxValue> v = result.get(tensor);
        if (v.isEmpty() || !(v.get() instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
          throw new IllegalStateException("ONNX Runtime returned no float32 tensor for '" + tensor + "'");
        }
        outputs.put(tensor, t);
        shapes.put(tensor, t.getInfo().getShape());
      }
      allocateSets(shapes, inputShapes);
      Outputs set = sets[next];
      next ^= 1;
      for (Map.Entry<String, OnnxTensor> e : outputs.entrySet()) {
        set.arrays().get(e.getKey()).data().asNioFloat().put(e.getValue().getFloatBuffer());
      }
      submit(set);
    }
  }

  /**
   * Lets the calibrators collect a set once the background thread's earlier work is done, each calibrator
   * on its own part of the processors.
   */
  private void submit(Outputs set) {
    finish();
    List<Map.Entry<String, INDArray>> activations = List.copyOf(set.arrays().entrySet());
    pending = background.submit(
        () -> activations.parallelStream().forEach(e -> byTensor.get(e.getKey()).apply(e.getValue())));
  }

  /**
   * The activations' shapes for a batch of these input shapes, from the shapes ONNX Runtime inferred for
   * the graph: a dimension it left open takes the size of the input dimension of the same symbolic name.
   *
   * @return the shapes, or null when a dimension stays unknown (then the batch's run tells)
   */
  Map<String, long[]> predictShapes(Map<String, long[]> inputShapes) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> in : inputShapes.entrySet()) {
      TensorInfo info = inputInfo.get(in.getKey());
      if (info == null || info.getShape().length != in.getValue().length) {
        return null;
      }
      for (int d = 0; d < in.getValue().length; d++) {
        String name = info.getDimensionNames()[d];
        if (info.getShape()[d] < 0 && !name.isEmpty()) {
          Long before = sizes.putIfAbsent(name, in.getValue()[d]);
          if (before != null && before != in.getValue()[d]) {
            return null;
          }
        }
      }
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String tensor : fetched) {
      TensorInfo info = outputInfo.get(tensor);
      if (info == null) {
        return null;
      }
      long[] shape = info.getShape().clone();
      for (int d = 0; d < shape.length; d++) {
        if (shape[d] < 0) {
          Long size = sizes.get(info.getDimensionNames()[d]);
          if (size == null) {
            return null;
          }
          shape[d] = size;
        }
      }
      shapes.put(tensor, shape);
    }
    return shapes;
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

  /**
   * Two sets of pinned outputs of these shapes (uninitialised: every run overwrites them), for batches of
   * these input shapes.
   */
  private void allocateSets(Map<String, long[]> shapes, Map<String, long[]> inputShapes) throws OrtException {
    sets[0] = allocate(shapes);
    // the second set is first needed by the next batch: the background thread allocates it during this run
    pending = background.submit(() -> {
      sets[1] = allocate(shapes);
      return null;
    });
    setShapes = inputShapes;
    next = 0;
  }

  private static Outputs allocate(Map<String, long[]> shapes) throws OrtException {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, e.getValue(), 'c');
        arrays.put(e.getKey(), a);
        tensors.put(e.getKey(), OnnxTensor.createTensor(OrtSessions.environment(), a.data().asNioFloat(), e.getValue()));
      }
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      arrays.values().forEach(INDArray::close);
      throw e;
    }
    return new Outputs(arrays, tensors);
  }

  private void releaseSets() {
    finish();
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
      background.shutdown();
      if (backgroundStopped()) {
        releaseSets();
      } // else a collect may still read the arrays: they are left to the garbage collector
      session.close();
    }
  }

  private boolean backgroundStopped() {
    try {
      return background.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
