package org.quant4j.onnx.ptq;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch of model inputs, checked against the graph: every data input present and no other name,
 * each value a {@code float[]} or an {@link INDArray} whose shape fits the declared one, no NaN or
 * infinity. A {@code float[]} takes the declared shape, its one unknown dimension (the batch) given
 * by its length.
 *
 * @param values input name to values in C order
 * @param shapes input name to shape
 */
record InputBatch(Map<String, float[]> values, Map<String, long[]> shapes) {

  /**
   * Checks and converts one batch.
   *
   * @param model the model whose inputs it feeds
   * @param batch input name to {@code float[]} or {@code INDArray}
   * @param index the batch's position, for messages
   * @return the batch
   * @throws IllegalArgumentException naming the batch, the input and what is wrong
   */
  static InputBatch of(OnnxModel model, Map<String, ?> batch, int index) {
    if (batch == null) {
      throw new IllegalArgumentException("calibration batch " + index + " is null, expected input name -> values");
    }
    for (String name : batch.keySet()) {
      if (!model.inputs().containsKey(name)) {
        throw new IllegalArgumentException("calibration batch " + index + " has input '" + name
            + "', which is not an input of the graph; its inputs are " + model.inputs().keySet());
      }
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> in : model.inputs().entrySet()) {
      String name = in.getKey();
      long[] declared = in.getValue();
      Object v = batch.get(name);
      float[] data;
      long[] shape;
      if (v == null) {
        throw new IllegalArgumentException("calibration batch " + index + " has no values for input '" + name
            + "' " + OnnxModel.describe(declared) + "; it gives " + batch.keySet());
      } else if (v instanceof INDArray a) {
        shape = a.shape();
        data = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
      } else if (v instanceof float[] f) {
        data = f;
        shape = inferShape(declared, f.length, index, name);
      } else {
        throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' is a "
            + v.getClass().getName() + ", expected float[] or INDArray");
      }
      if (!OnnxModel.fits(declared, shape)) {
        throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' has shape "
            + Arrays.toString(shape) + ", which does not fit the graph input's shape " + OnnxModel.describe(declared));
      }
      for (int i = 0; i < data.length; i++) {
        if (!Float.isFinite(data[i])) {
          throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' holds " + data[i]
              + " at flat index " + i + ", expected finite values");
        }
      }
      values.put(name, data);
      shapes.put(name, shape);
    }
    return new InputBatch(values, shapes);
  }

  private static long[] inferShape(long[] declared, int length, int index, String name) {
    long known = 1;
    int unknown = -1;
    for (int d = 0; d < declared.length; d++) {
      if (declared[d] < 0) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' is a float[],"
              + " but the graph input's shape " + OnnxModel.describe(declared)
              + " has several unknown dimensions; give an INDArray with the full shape");
        }
        unknown = d;
      } else {
        known *= declared[d];
      }
    }
    long[] shape = declared.clone();
    if (unknown >= 0) {
      if (known == 0 || length % known != 0 || length == 0) {
        throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' has " + length
            + " values, which is not a whole number of items of the graph input's shape " + OnnxModel.describe(declared));
      }
      shape[unknown] = length / known;
    } else if (known != length) {
      throw new IllegalArgumentException("calibration batch " + index + " input '" + name + "' has " + length
          + " values, expected " + known + " for the graph input's shape " + OnnxModel.describe(declared));
    }
    return shape;
  }

  /**
   * The batch's size: the first dimension of its first input.
   *
   * @return the number of items
   */
  long size() {
    long[] s = shapes.values().iterator().next();
    return s.length == 0 ? 1 : s[0];
  }

  /**
   * The batch as ONNX Runtime tensors.
   *
   * @return input name to tensor; the caller closes them
   * @throws OrtException if ONNX Runtime cannot create one
   */
  Map<String, OnnxTensor> toOrt() throws OrtException {
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, float[]> e : values.entrySet()) {
        tensors.put(e.getKey(), OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(e.getValue()),
            shapes.get(e.getKey())));
      }
    } catch (OrtException | RuntimeException e) {
      tensors.values().forEach(OnnxTensor::close);
      throw e;
    }
    return tensors;
  }
}
