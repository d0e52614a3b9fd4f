package org.quant4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Encodes tensors as ONNX {@code TensorProto}s: float32, int64, int32, int8 and uint8, always as little-endian
 * {@code raw_data} in C order, which is how the ONNX spec stores dense tensors.
 */
public final class OnnxTensors {

  private OnnxTensors() {}

  /**
   * A float32 tensor with the values and shape of an array (read in C order, whatever its ordering).
   *
   * @param name the tensor's name
   * @param values the values; never modified
   * @return the tensor
   */
  public static TensorProto floats(String name, INDArray values) {
    return floats(name, values.shape(), values.castTo(DataType.FLOAT).dup('c').data().asFloat());
  }

  /**
   * A float32 tensor from plain values.
   *
   * @param name the tensor's name
   * @param shape its shape; empty for a 0-dim scalar
   * @param data the values in C order
   * @return the tensor
   */
  public static TensorProto floats(String name, long[] shape, float[] data) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : data) {
      bytes.putFloat(f);
    }
    return tensor(name, TensorProto.DataType.FLOAT, shape, bytes.array());
  }

  /**
   * An int64 tensor, as Reshape's shape or Squeeze's axes take.
   *
   * @param name the tensor's name
   * @param shape its shape; empty for a 0-dim scalar
   * @param data the values in C order
   * @return the tensor
   */
  static TensorProto int64s(String name, long[] shape, long[] data) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : data) {
      bytes.putLong(v);
    }
    return tensor(name, TensorProto.DataType.INT64, shape, bytes.array());
  }

  /**
   * A tensor of zeros of type int8 or uint8: the zero point of a symmetric quantizer.
   *
   * @param name the tensor's name
   * @param unsigned uint8 when true, else int8
   * @param shape its shape; empty for a 0-dim scalar
   * @return the tensor
   */
  public static TensorProto zeroPoint(String name, boolean unsigned, long[] shape) {
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    return tensor(
        name,
        unsigned ? TensorProto.DataType.UINT8 : TensorProto.DataType.INT8,
        shape,
        new byte[Math.toIntExact(count)]);
  }

  /**
   * An int8 (or uint8) tensor of grid values, as a weight stored already quantized.
   *
   * @param name the tensor's name
   * @param unsigned uint8 when true, else int8
   * @param shape its shape
   * @param data the values in C order, one byte each
   * @return the tensor
   */
  static TensorProto integers(String name, boolean unsigned, long[] shape, byte[] data) {
    return tensor(name, unsigned ? TensorProto.DataType.UINT8 : TensorProto.DataType.INT8, shape, data.clone());
  }

  /**
   * An int32 tensor, as a quantized bias or its zero point.
   *
   * @param name the tensor's name
   * @param shape its shape; empty for a 0-dim scalar
   * @param data the values in C order
   * @return the tensor
   */
  static TensorProto int32s(String name, long[] shape, int[] data) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : data) {
      bytes.putInt(v);
    }
    return tensor(name, TensorProto.DataType.INT32, shape, bytes.array());
  }

  /**
   * A 0-dim FLOAT8E4M3FN zero point of 0 (ONNX {@code TensorProto.DataType} 17, which the protobuf
   * classes shipped with ND4J predate, so it is written by number).
   *
   * @param name the tensor name
   * @return the tensor
   */
  public static TensorProto float8E4M3ZeroPoint(String name) {
    return tensor(name, FLOAT8E4M3FN, new long[0], new byte[1]);
  }

  /** ONNX's data type number of FLOAT8E4M3FN. */
  public static final int FLOAT8E4M3FN = 17;

  private static TensorProto tensor(String name, TensorProto.DataType type, long[] shape, byte[] raw) {
    return tensor(name, type.getNumber(), shape, raw);
  }

  private static TensorProto tensor(String name, int type, long[] shape, byte[] raw) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : shape) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(raw)).build();
  }
}
