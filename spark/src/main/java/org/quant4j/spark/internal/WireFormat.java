package org.quant4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.Calibrator;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.nn.TensorQuantizer;

/**
 * quant4j's own compact encoding of what crosses the wire between the driver and the executors: calibrator
 * state (counts as 64-bit integers, amax and edges as float bits), ranges, and quantizer amax and switches.
 * Big-endian ({@link DataOutputStream}); every message starts with a one-byte tag so that a message read as
 * another kind fails at once. No Java serialization.
 */
public final class WireFormat {

  private static final byte CALIBRATORS = 'C';
  private static final byte RANGES = 'R';
  private static final byte QUANTIZERS = 'Q';
  private static final byte MAX = 0;
  private static final byte HISTOGRAM = 1;

  private WireFormat() {}

  /** Writes a message; wraps the stream so that callers write with plain lambdas. */
  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads a message. */
  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(byte tag, Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(tag);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] message, byte tag, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message))) {
      byte got = in.readByte();
      if (got != tag) {
        throw new IllegalArgumentException("expected a message of kind " + (char) tag + ", got " + (char) got);
      }
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("truncated quant4j message", e);
    }
  }

  /**
   * Encodes the collected state of calibrators: a max calibrator's amax (shape and float bits), a
   * histogram's bins, counts (int64) and edges (float bits). Calibrators without data are left out.
   *
   * @param calibrators by quantizer name
   * @return the message
   * @throws IllegalArgumentException for a histogram whose edges are not float32 (a grown numpy-path one)
   */
  public static byte[] calibrators(Map<String, Calibrator> calibrators) {
    return write(CALIBRATORS, out -> {
      Map<String, Calibrator> withData = new LinkedHashMap<>();
      calibrators.forEach((name, c) -> {
        if (c.hasData()) {
          withData.put(name, c);
        }
      });
      out.writeInt(withData.size());
      for (Map.Entry<String, Calibrator> e : withData.entrySet()) {
        out.writeUTF(e.getKey());
        if (e.getValue() instanceof HistogramCalibrator h) {
          out.writeByte(HISTOGRAM);
          writeHistogram(out, e.getKey(), h);
        } else {
          out.writeByte(MAX);
          writeFloats(out, e.getValue().computeAmax());
        }
      }
    });
  }

  private static void writeHistogram(DataOutputStream out, String name, HistogramCalibrator h) throws IOException {
    INDArray edges = h.edges();
    if (edges.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException(name + ": only float32 histogram edges travel, got " + edges.dataType());
    }
    long[] counts = h.histogram().castTo(DataType.LONG).toLongVector();
    out.writeInt(h.numBins());
    out.writeInt(counts.length);
    for (long c : counts) {
      out.writeLong(c);
    }
    float[] e = edges.toFloatVector();
    out.writeInt(e.length);
    for (float v : e) {
      out.writeInt(Float.floatToRawIntBits(v));
    }
  }

  /**
   * Decodes calibrator state and merges each into the calibrator of the same name in {@code into}.
   *
   * @param message a message of {@link #calibrators}
   * @param into the calibrators to merge into, by quantizer name
   * @throws IllegalArgumentException if the message names a calibrator {@code into} lacks or of another kind
   */
  public static void mergeCalibrators(byte[] message, Map<String, Calibrator> into) {
    read(message, CALIBRATORS, in -> {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte kind = in.readByte();
        Calibrator target = into.get(name);
        boolean histogram = target instanceof HistogramCalibrator;
        if (target == null || histogram != (kind == HISTOGRAM)) {
          throw new IllegalArgumentException("an executor sent " + (kind == HISTOGRAM ? "a histogram" : "a max")
              + " calibrator for quantizer " + name + ", which the driver's network "
              + (target == null ? "does not have" : "calibrates with " + target.getClass().getSimpleName()));
        }
        target.merge(histogram ? readHistogram(in, (HistogramCalibrator) target) : readMax(in, (MaxCalibrator) target));
      }
      return null;
    });
  }

  private static HistogramCalibrator readHistogram(DataInputStream in, HistogramCalibrator like) throws IOException {
    int numBins = in.readInt();
    long[] counts = new long[in.readInt()];
    for (int j = 0; j < counts.length; j++) {
      counts[j] = in.readLong();
    }
    float[] edges = new float[in.readInt()];
    for (int j = 0; j < edges.length; j++) {
      edges[j] = Float.intBitsToFloat(in.readInt());
    }
    HistogramCalibrator h = HistogramCalibrator.builder().numBits(like.numBits()).unsigned(like.unsigned())
        .numBins(like.configuredBins()).skipZeros(like.skipZeros()).torchHist(like.torchHist()).build();
    h.restore(Nd4j.createFromArray(counts), Nd4j.createFromArray(edges), numBins);
    return h;
  }

  private static MaxCalibrator readMax(DataInputStream in, MaxCalibrator like) throws IOException {
    MaxCalibrator m = new MaxCalibrator(like.numBits(), like.axis(), like.unsigned(), like.trackAmax());
    INDArray amax = readFloats(in);
    if (amax.rank() == 0 && like.axis().length > 0) {
      // one channel: the amax came as a scalar; give it the rank the axes need
      int rank = Arrays.stream(like.axis()).map(a -> a >= 0 ? a + 1 : -a).max().orElse(1);
      long[] ones = new long[rank];
      Arrays.fill(ones, 1);
      amax = amax.reshape(ones);
    }
    m.collect(amax); // |amax| reduced over size-1 dims: the same values, bit for bit
    return m;
  }

  /**
   * Encodes ranges (the largest |x| per histogram quantizer) as float bits.
   *
   * @param ranges by quantizer name
   * @return the message
   */
  public static byte[] ranges(Map<String, Float> ranges) {
    return write(RANGES, out -> {
      out.writeInt(ranges.size());
      for (Map.Entry<String, Float> e : ranges.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(Float.floatToRawIntBits(e.getValue()));
      }
    });
  }

  /**
   * Decodes a message of {@link #ranges}.
   *
   * @param message the message
   * @return the ranges by quantizer name, in the order written
   */
  public static Map<String, Float> readRanges(byte[] message) {
    return read(message, RANGES, in -> {
      Map<String, Float> out = new LinkedHashMap<>();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        out.put(in.readUTF(), Float.intBitsToFloat(in.readInt()));
      }
      return out;
    });
  }

  /**
   * Encodes each quantizer's switch (enabled or not) and amax (shape and float bits, or none).
   *
   * @param quantizers by name, in forward order
   * @return the message
   */
  public static byte[] quantizers(Map<String, TensorQuantizer> quantizers) {
    return write(QUANTIZERS, out -> {
      out.writeInt(quantizers.size());
      for (Map.Entry<String, TensorQuantizer> e : quantizers.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeBoolean(e.getValue().isEnabled());
        INDArray amax = e.getValue().amax();
        out.writeBoolean(amax != null);
        if (amax != null) {
          writeFloats(out, amax);
        }
      }
    });
  }

  /**
   * Lays a message of {@link #quantizers} over a network's quantizers: the same names, each switched
   * and given the amax as the driver's was.
   *
   * @param message the message
   * @param quantizers the executor's quantizers by name
   * @throws IllegalStateException if the names differ from the driver's (the network was built with another
   *     configuration)
   */
  public static void applyQuantizers(byte[] message, Map<String, TensorQuantizer> quantizers) {
    read(message, QUANTIZERS, in -> {
      int n = in.readInt();
      String[] names = new String[n];
      boolean[] enabled = new boolean[n];
      INDArray[] amax = new INDArray[n];
      for (int i = 0; i < n; i++) {
        names[i] = in.readUTF();
        enabled[i] = in.readBoolean();
        amax[i] = in.readBoolean() ? readFloats(in) : null;
      }
      if (!Arrays.asList(names).equals(java.util.List.copyOf(quantizers.keySet()))) {
        throw new IllegalStateException("the executor's network has quantizers " + quantizers.keySet()
            + " but the driver's has " + Arrays.toString(names)
            + "; pass the QuantConfig the driver's network was built with");
      }
      for (int i = 0; i < n; i++) {
        TensorQuantizer q = quantizers.get(names[i]);
        if (amax[i] != null) {
          q.setAmax(amax[i]);
        }
        if (enabled[i]) {
          q.enable();
        } else {
          q.disable();
        }
      }
      return null;
    });
  }

  private static void writeFloats(DataOutputStream out, INDArray a) throws IOException {
    long[] shape = a.shape();
    out.writeInt(shape.length);
    for (long d : shape) {
      out.writeLong(d);
    }
    float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    out.writeInt(v.length);
    for (float f : v) {
      out.writeInt(Float.floatToRawIntBits(f));
    }
  }

  private static INDArray readFloats(DataInputStream in) throws IOException {
    long[] shape = new long[in.readInt()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = in.readLong();
    }
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.intBitsToFloat(in.readInt());
    }
    return shape.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape('c', shape);
  }
}
