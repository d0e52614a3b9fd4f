package org.quant4j.onnx;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.E4M3;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.QuantFormat;
import org.quant4j.tensor.QuantGrid;

/**
 * What the export needs of one enabled quantizer: its name, grid and amax. The checks mirror the
 * reference's ONNX path (SEMANTICS.md section 8): an activation quantizer must be calibrated, 8-bit, and
 * not signed narrow-range (a weight quantizer may have 2 to 8 bits; below 8 its grid values are stored
 * as an integer initializer), because ONNX's int8 QuantizeLinear clamps to [-128, 127] while a narrow signed
 * quantizer clamps to [-127, 127] (the reference raises the same refusal, with a message that wrongly
 * says "unsigned").
 *
 * <p>An FP8 E4M3 quantizer ({@code format} {@link QuantFormat#E4M3}, per tensor) exports as a
 * QuantizeLinear/DequantizeLinear pair with a {@code FLOAT8E4M3FN} zero point of 0 and scale
 * {@code amax / 448}, which needs opset 19.
 *
 * @param name the quantizer's name, e.g. {@code conv1._weight_quantizer}
 * @param numBits its bit width
 * @param unsigned whether its grid is [0, 255]
 * @param narrowRange whether a signed grid is [-127, 127]
 * @param amax its amax (any shape that broadcasts against the tensor it quantizes), or null when it
 *     has none (dynamic)
 * @param format the number format: the integer grid or FP8 E4M3
 */
public record QdqParams(String name, int numBits, boolean unsigned, boolean narrowRange, INDArray amax,
    QuantFormat format) {

  /** The opset whose QuantizeLinear/DequantizeLinear take FLOAT8E4M3FN zero points. */
  public static final int FP8_MIN_OPSET = 19;

  /**
   * Checks the name; the rest is checked by {@link #requireExportable(boolean)} when the export meets it.
   *
   * @throws IllegalArgumentException if the name is null or empty
   */
  public QdqParams {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name must be a quantizer name, got '" + name + "'");
    }
    if (format == null) {
      throw new IllegalArgumentException("format of quantizer " + name + " must be INT or E4M3, got null");
    }
  }

  /**
   * The parameters of an integer-grid quantizer.
   *
   * @param name the quantizer's name
   * @param numBits its bit width
   * @param unsigned whether its grid is [0, 255]
   * @param narrowRange whether a signed grid is [-127, 127]
   * @param amax its amax, or null
   */
  public QdqParams(String name, int numBits, boolean unsigned, boolean narrowRange, INDArray amax) {
    this(name, numBits, unsigned, narrowRange, amax, QuantFormat.INT);
  }

  /**
   * Whether this quantizer is FP8 E4M3.
   *
   * @return true for {@link QuantFormat#E4M3}
   */
  public boolean isE4M3() {
    return format == QuantFormat.E4M3;
  }

  /**
   * The export parameters of an enabled, quantizing TensorQuantizer.
   *
   * @param name the quantizer's name
   * @param q the quantizer
   * @return its parameters
   * @throws IllegalArgumentException naming the quantizer when it is in real-quant mode (fakeQuant=false:
   *     its output is integers, which no Q/DQ pair produces) or has a pre-quantization scale
   */
  public static QdqParams of(String name, TensorQuantizer q) {
    QuantDescriptor d = q.descriptor();
    if (!d.fakeQuant()) {
      throw new IllegalArgumentException(
          "quantizer " + name + " has fakeQuant=false: its output is the integer grid, which ONNX Q/DQ does not produce");
    }
    if (q.preQuantScale() != null) {
      throw new IllegalArgumentException(
          "quantizer " + name + " has a pre-quantization scale, which the ONNX export does not write");
    }
    return new QdqParams(name, d.numBits(), d.unsigned(), d.narrowRange(), q.amax(), d.format());
  }

  /**
   * Throws unless the export can write this quantizer exactly: on an activation, an 8-bit
   * QuantizeLinear/DequantizeLinear pair (or FP8 E4M3); on a constant weight, 8 bits as a pair, 2 to 7 bits as
   * an integer initializer holding DL4J's grid values followed by DequantizeLinear, or FP8 E4M3.
   *
   * @param weight true for a weight, whose channel of amax 0 holds only zeros, which any scale keeps (exported
   *     with a scale of 1, as the reference does); false for an activation, which the fake quantizer turns into
   *     zeros at amax 0 and no scale would reproduce
   * @throws IllegalArgumentException naming the quantizer when it has no amax, an amax that is NaN, infinite,
   *     negative or (on an activation) 0, a bit width the export cannot write, or is 8-bit signed with a
   *     narrow range
   */
  public void requireExportable(boolean weight) {
    requireCalibrated(weight);
    if (isE4M3()) {
      return;
    }
    if (weight ? numBits < MIN_WEIGHT_BITS || numBits > 8 : numBits != 8) {
      throw new IllegalArgumentException("quantizer " + name + " has numBits " + numBits + ": "
          + (weight ? "weights export with " + MIN_WEIGHT_BITS + " to 8 bits (int8 or uint8 ONNX tensors)"
              : "activations export as 8-bit QuantizeLinear/DequantizeLinear only (weights take 2 to 8 bits)"));
    }
    if (numBits == 8) {
      requireWideSigned();
    }
  }

  /**
   * Whether this weight quantizer exports as an integer initializer plus DequantizeLinear (2 to 7 bits)
   * rather than a float initializer with a QuantizeLinear/DequantizeLinear pair.
   *
   * @return true below 8 bits
   */
  public boolean storesIntegerWeights() {
    return !isE4M3() && numBits < 8;
  }

  /** The fewest bits a weight quantizer exports with. */
  public static final int MIN_WEIGHT_BITS = 2;

  private void requireCalibrated(boolean zeroAllowed) {
    if (amax == null) {
      throw new IllegalArgumentException(
          "quantizer " + name + " has no amax: ONNX export requires every enabled quantizer to be calibrated;"
              + " calibrate and load amax before exporting");
    }
    float[] values = amaxValues();
    for (int i = 0; i < values.length; i++) {
      float a = values[i];
      if (!Float.isFinite(a) || a < 0 || a == 0 && !zeroAllowed) {
        throw new IllegalArgumentException("quantizer " + name + " has amax " + a
            + (values.length > 1 ? " at channel " + i : "") + ": ONNX export needs a finite amax "
            + (zeroAllowed ? ">= 0" : "> 0 (an activation amax of 0 has no Q/DQ scale that reproduces it)")
            + "; calibrate again or set a valid amax");
      }
    }
    if (isE4M3() && !perTensor()) {
      throw new IllegalArgumentException("quantizer " + name + " is FP8 E4M3 with an amax of shape "
          + java.util.Arrays.toString(amax.shape()) + ": E4M3 export supports a per-tensor amax only");
    }
  }

  private void requireWideSigned() {
    if (narrowRange && !unsigned) {
      throw new IllegalArgumentException(
          "quantizer " + name + " is signed with narrowRange=true: ONNX int8 QuantizeLinear clamps to [-128, 127],"
              + " not [-127, 127]; use narrowRange=false to export");
    }
  }

  /**
   * The quantizer's integer grid.
   *
   * @return the grid of its bit width, sign and range
   */
  QuantGrid grid() {
    return new QuantGrid(numBits, unsigned, narrowRange);
  }

  /**
   * Whether the amax is a single value (per-tensor), as the reference decides it: by element count.
   *
   * @return true when amax has one element
   */
  public boolean perTensor() {
    return amax.length() == 1;
  }

  /**
   * The ONNX scale of one amax value: {@code amax / 127} (or {@code / 255} unsigned, {@code / 448} for
   * E4M3) in float32, with a
   * scale of 0 replaced by 1, as the reference's symbolic does.
   *
   * @param amaxValue an amax value
   * @return the scale
   */
  public float scaleOf(float amaxValue) {
    float maxBound = isE4M3() ? E4M3.MAX : grid().maxBound();
    float scale = amaxValue / maxBound;
    return scale == 0f ? 1f : scale;
  }

  /**
   * The amax as float32 values in C order.
   *
   * @return a new array
   */
  public float[] amaxValues() {
    return amax.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }
}
