package org.quant4j.spark.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * What one partition's task sends back: its index, how many batches and examples it read, their shape per
 * example, and a payload ({@link WireFormat} message). Travels as bytes ({@link #toBytes()}).
 *
 * @param partition the partition index
 * @param batches the number of batches
 * @param examples the number of examples
 * @param exampleShape the features' shape per example, empty when the partition was empty
 * @param payload the task's result
 */
public record PartitionReport(int partition, int batches, long examples, long[] exampleShape, byte[] payload) {

  /**
   * The report of a partition's batches.
   *
   * @param batches the partition's batches
   * @param payload the task's result
   * @return the report
   */
  public static PartitionReport of(PartitionBatches batches, byte[] payload) {
    return new PartitionReport(batches.partition(), batches.batches().size(), batches.examples(),
        batches.exampleShape(), payload);
  }

  /**
   * The report as bytes.
   *
   * @return the encoding
   */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(partition);
      out.writeInt(batches);
      out.writeLong(examples);
      out.writeInt(exampleShape.length);
      for (long d : exampleShape) {
        out.writeLong(d);
      }
      out.writeInt(payload.length);
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a report.
   *
   * @param bytes the encoding of {@link #toBytes()}
   * @return the report
   */
  public static PartitionReport fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int partition = in.readInt();
      int batches = in.readInt();
      long examples = in.readLong();
      long[] shape = new long[in.readInt()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = in.readLong();
      }
      byte[] payload = new byte[in.readInt()];
      in.readFully(payload);
      return new PartitionReport(partition, batches, examples, shape, payload);
    } catch (IOException e) {
      throw new UncheckedIOException("truncated partition report", e);
    }
  }

  /**
   * Checks that the data was not empty and that every non-empty partition holds one shape per example.
   *
   * @param reports every partition's report, in partition order
   * @param what what the data is for, e.g. "calibration"
   * @throws IllegalArgumentException for no batches at all, or naming two partitions whose shapes differ
   */
  public static void requireOneShape(List<PartitionReport> reports, String what) {
    PartitionReport first = null;
    for (PartitionReport r : reports) {
      if (r.batches() == 0) {
        continue;
      }
      if (first == null) {
        first = r;
      } else if (!Arrays.equals(first.exampleShape(), r.exampleShape())) {
        throw new IllegalArgumentException("partition " + r.partition() + " holds features of shape "
            + Arrays.toString(r.exampleShape()) + " per example, but partition " + first.partition() + " holds "
            + Arrays.toString(first.exampleShape()) + "; every partition must hold one shape");
      }
    }
    if (first == null) {
      throw new IllegalArgumentException("the " + what + " data holds no batches (" + reports.size()
          + " partition(s), all empty): nothing to " + (what.equals("calibration") ? "calibrate" : "evaluate"));
    }
  }
}
