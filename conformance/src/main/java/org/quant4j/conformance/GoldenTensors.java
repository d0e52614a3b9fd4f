package org.quant4j.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decodes and compares the tensors of the golden files (format: {@code golden/README.md}).
 *
 * <p>A tensor is {@code {"dtype", "shape", "data" | "bits" | "b64"}}. Floating tensors are decoded from
 * their IEEE bit patterns, so the result holds exactly the reference's values; float16 and bfloat16
 * values are exact in float32 and are converted from it. Comparisons are bitwise: {@code -0.0} differs
 * from {@code 0.0}, while any two NaNs are equal whatever their payload or sign bit.
 */
public final class GoldenTensors {

  private GoldenTensors() {}

  /**
   * Decodes a golden tensor into an INDArray of the same data type and shape (C order).
   *
   * @param node the tensor object
   * @return a new array
   * @throws IllegalArgumentException if the node is not a tensor or its dtype is unknown
   */
  public static INDArray decode(JsonNode node) {
    DataType type = dataType(node);
    long[] shape = shape(node);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    INDArray flat;
    switch (type) {
      case FLOAT, HALF, BFLOAT16 -> flat = Nd4j.createFromArray(floats(node, type, (int) n)).castTo(type);
      case DOUBLE -> flat = Nd4j.createFromArray(doubles(node, (int) n));
      case BOOL -> flat = Nd4j.createFromArray(booleans(node, (int) n));
      default -> flat = Nd4j.createFromArray(longs(node, (int) n)).castTo(type);
    }
    if (shape.length == 0) {
      return flat.reshape();
    }
    return flat.reshape('c', shape);
  }

  /**
   * The values of a floating golden tensor as float32, in C order (float64 values are rounded).
   *
   * @param node the tensor object
   * @return the values
   */
  public static float[] decodeFloats(JsonNode node) {
    DataType type = dataType(node);
    int n = (int) count(node);
    if (type == DataType.DOUBLE) {
      double[] d = doubles(node, n);
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    return floats(node, type, n);
  }

  /**
   * The shape of a golden tensor; {@code []} for a 0-dim scalar.
   *
   * @param node the tensor object
   * @return the shape
   */
  public static long[] shape(JsonNode node) {
    JsonNode s = require(node, "shape");
    long[] shape = new long[s.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = s.get(i).asLong();
    }
    return shape;
  }

  /**
   * Whether a golden value is an expected error, {@code {"error": {"type", "message"}}}.
   *
   * @param node the value
   * @return true for an expected error
   */
  public static boolean isError(JsonNode node) {
    return node != null && node.isObject() && node.has("error");
  }

  /**
   * Checks that an array has the golden tensor's shape, its data type and exactly its values, bit for
   * bit.
   *
   * @param what names the compared value in the failure message
   * @param actual the computed array
   * @param expected the golden tensor
   * @throws AssertionError naming the first differing elements
   */
  public static void assertBitsEqual(String what, INDArray actual, JsonNode expected) {
    assertShape(what, actual, expected);
    DataType type = dataType(expected);
    if (actual.dataType() != type) {
      throw new AssertionError(what + ": expected data type " + expected.path("dtype").asText() + " got "
          + actual.dataType());
    }
    int n = (int) count(expected);
    StringBuilder diffs = new StringBuilder();
    int mismatches = 0;
    if (type == DataType.DOUBLE) {
      double[] want = doubles(expected, n);
      double[] got = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      for (int i = 0; i < n; i++) {
        if (!sameDouble(want[i], got[i]) && mismatches++ < 5) {
          diffs.append(String.format(" [%d] expected %s got %s;", i, want[i], got[i]));
        }
      }
    } else if (type.isFPType()) {
      float[] want = floats(expected, type, n);
      float[] got = actual.castTo(DataType.FLOAT).dup('c').data().asFloat();
      for (int i = 0; i < n; i++) {
        if (!sameFloat(want[i], got[i]) && mismatches++ < 5) {
          diffs.append(String.format(" [%d] expected %s (%08x) got %s (%08x);", i, want[i],
              Float.floatToRawIntBits(want[i]), got[i], Float.floatToRawIntBits(got[i])));
        }
      }
    } else {
      long[] want = type == DataType.BOOL ? boolsAsLongs(expected, n) : longs(expected, n);
      long[] got = actual.castTo(DataType.LONG).dup('c').data().asLong();
      for (int i = 0; i < n; i++) {
        if (want[i] != got[i] && mismatches++ < 5) {
          diffs.append(String.format(" [%d] expected %d got %d;", i, want[i], got[i]));
        }
      }
    }
    if (mismatches > 0) {
      throw new AssertionError(what + ": " + mismatches + " of " + n + " elements differ:" + diffs);
    }
  }

  /**
   * Checks that an array has the golden tensor's shape and its values within
   * {@code |a - e| <= atol + rtol * |e|}, NaN matching NaN.
   *
   * @param what names the compared value in the failure message
   * @param actual the computed array
   * @param expected the golden tensor
   * @param atol the absolute tolerance
   * @param rtol the relative tolerance
   * @throws AssertionError naming the worst element
   */
  public static void assertClose(String what, INDArray actual, JsonNode expected, double atol, double rtol) {
    assertShape(what, actual, expected);
    int n = (int) count(expected);
    double[] want = dataType(expected) == DataType.DOUBLE
        ? doubles(expected, n) : toDoubles(floats(expected, dataType(expected), n));
    double[] got = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    int worst = -1;
    double worstExcess = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(want[i]) || Double.isNaN(got[i])) {
        if (Double.isNaN(want[i]) != Double.isNaN(got[i])) {
          throw new AssertionError(what + ": [" + i + "] expected " + want[i] + " got " + got[i]);
        }
        continue;
      }
      if (want[i] == got[i]) {
        continue;
      }
      double excess = Math.abs(got[i] - want[i]) - (atol + rtol * Math.abs(want[i]));
      if (excess > worstExcess || Double.isNaN(excess)) {
        worstExcess = excess;
        worst = i;
      }
    }
    if (worst >= 0) {
      throw new AssertionError(String.format("%s: [%d] expected %s got %s (|diff| %.3g > atol %.3g + rtol %.3g)",
          what, worst, want[worst], got[worst], Math.abs(got[worst] - want[worst]), atol, rtol));
    }
  }

  /**
   * Whether two arrays have the same shape, data type and values bit for bit (any NaN equals any NaN,
   * as in {@link #assertBitsEqual}); unlike {@code INDArray.equals}, which allows a difference of 1e-5.
   *
   * @param a one array
   * @param b the other
   * @return true when they are the same bit for bit
   */
  static boolean sameBits(INDArray a, INDArray b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.dataType() != b.dataType()) {
      return false;
    }
    double[] x = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[] y = b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    for (int i = 0; i < x.length; i++) {
      if (!sameDouble(x[i], y[i])) {
        return false;
      }
    }
    return true;
  }

  private static void assertShape(String what, INDArray actual, JsonNode expected) {
    long[] want = shape(expected);
    if (!java.util.Arrays.equals(want, actual.shape())) {
      throw new AssertionError(what + ": expected shape " + java.util.Arrays.toString(want)
          + " got " + java.util.Arrays.toString(actual.shape()));
    }
  }

  /**
   * Bit equality, except that any NaN equals any NaN: the sign and payload of a NaN produced by an
   * invalid operation depend on the hardware (x86 gives the negative quiet NaN, the reference's
   * fp16 casts give another), not on the semantics; -0.0 and +0.0 still differ.
   */
  private static boolean sameFloat(float a, float b) {
    return Float.floatToIntBits(a) == Float.floatToIntBits(b);
  }

  /** Bit equality with every NaN equal, as {@link #sameFloat}. */
  private static boolean sameDouble(double a, double b) {
    return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static DataType dataType(JsonNode node) {
    String dtype = require(node, "dtype").asText();
    return switch (dtype) {
      case "float32" -> DataType.FLOAT;
      case "float16" -> DataType.HALF;
      case "bfloat16" -> DataType.BFLOAT16;
      case "float64" -> DataType.DOUBLE;
      case "int64" -> DataType.LONG;
      case "int32" -> DataType.INT;
      case "int16" -> DataType.SHORT;
      case "int8" -> DataType.BYTE;
      case "uint8" -> DataType.UBYTE;
      case "bool" -> DataType.BOOL;
      default -> throw new IllegalArgumentException(
          "dtype must be one of float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool; got "
              + dtype);
    };
  }

  private static long count(JsonNode node) {
    long n = 1;
    for (long d : shape(node)) {
      n *= d;
    }
    return n;
  }

  private static JsonNode require(JsonNode node, String field) {
    if (node == null || !node.has(field)) {
      throw new IllegalArgumentException("golden tensor must have a '" + field + "' field, got " + node);
    }
    return node.get(field);
  }

  private static ByteBuffer b64(JsonNode node) {
    return ByteBuffer.wrap(Base64.getDecoder().decode(node.get("b64").asText())).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[] floats(JsonNode node, DataType type, int n) {
    float[] out = new float[n];
    if (node.has("b64")) {
      ByteBuffer b = b64(node);
      for (int i = 0; i < n; i++) {
        out[i] = switch (type) {
          case FLOAT -> b.getFloat();
          case HALF -> halfToFloat(b.getShort());
          case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
          default -> (float) b.getDouble();
        };
      }
      return out;
    }
    if (node.has("bits")) {
      JsonNode bits = node.get("bits");
      for (int i = 0; i < n; i++) {
        int raw = Integer.parseUnsignedInt(bits.get(i).asText(), 16);
        out[i] = switch (type) {
          case FLOAT -> Float.intBitsToFloat(raw);
          case HALF -> halfToFloat((short) raw);
          case BFLOAT16 -> Float.intBitsToFloat(raw << 16);
          default -> throw new IllegalArgumentException("dtype " + type + " is not a float type");
        };
      }
      return out;
    }
    JsonNode data = require(node, "data");
    for (int i = 0; i < n; i++) {
      out[i] = (float) parse(data.get(i));
    }
    return out;
  }

  private static double[] doubles(JsonNode node, int n) {
    double[] out = new double[n];
    if (node.has("b64")) {
      ByteBuffer b = b64(node);
      for (int i = 0; i < n; i++) {
        out[i] = b.getDouble();
      }
    } else if (node.has("bits")) {
      JsonNode bits = node.get("bits");
      for (int i = 0; i < n; i++) {
        out[i] = Double.longBitsToDouble(Long.parseUnsignedLong(bits.get(i).asText(), 16));
      }
    } else {
      JsonNode data = require(node, "data");
      for (int i = 0; i < n; i++) {
        out[i] = parse(data.get(i));
      }
    }
    return out;
  }

  private static long[] longs(JsonNode node, int n) {
    long[] out = new long[n];
    if (node.has("b64")) {
      ByteBuffer b = b64(node);
      DataType type = dataType(node);
      for (int i = 0; i < n; i++) {
        out[i] = switch (type) {
          case LONG -> b.getLong();
          case INT -> b.getInt();
          case SHORT -> b.getShort();
          case UBYTE -> b.get() & 0xff;
          default -> b.get();
        };
      }
      return out;
    }
    JsonNode data = require(node, "data");
    for (int i = 0; i < n; i++) {
      out[i] = data.get(i).asLong();
    }
    return out;
  }

  private static boolean[] booleans(JsonNode node, int n) {
    JsonNode data = require(node, "data");
    boolean[] out = new boolean[n];
    for (int i = 0; i < n; i++) {
      out[i] = data.get(i).asBoolean();
    }
    return out;
  }

  private static long[] boolsAsLongs(JsonNode node, int n) {
    boolean[] b = booleans(node, n);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = b[i] ? 1 : 0;
    }
    return out;
  }

  private static double parse(JsonNode v) {
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v.asText());
      };
    }
    return v.asDouble();
  }

  /**
   * Converts IEEE 754 binary16 bits to the float32 of the same value (every half is exact in float).
   *
   * @param bits the half's bit pattern
   * @return its value
   */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
