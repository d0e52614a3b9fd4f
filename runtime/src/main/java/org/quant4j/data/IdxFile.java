package org.quant4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format), plain or gzipped; gzip is recognised by its magic bytes, not by
 * the file name.
 */
public final class IdxFile {

  private static final int GZIP_MAGIC = 0x1f8b;

  private IdxFile() {}

  /**
   * Reads one IDX file.
   *
   * @param path an IDX file, optionally gzip-compressed
   * @return its dimensions and values
   * @throws IllegalArgumentException if the file is not IDX (bad magic, unknown type code, truncated)
   * @throws IOException if it cannot be read
   */
  public static IdxArray read(Path path) throws IOException {
    try (InputStream in = open(path)) {
      return read(in, path.toString());
    }
  }

  private static InputStream open(Path path) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    in.mark(2);
    int magic = (in.read() << 8) | in.read();
    in.reset();
    return magic == GZIP_MAGIC ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  private static IdxArray read(InputStream stream, String name) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    try {
      int zero = in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int rank = in.readUnsignedByte();
      if (zero != 0) {
        throw new IllegalArgumentException(
            "path " + name + " is not an IDX file: magic starts with 0x" + Integer.toHexString(zero)
                + ", expected 0x0000");
      }
      int[] dims = new int[rank];
      long n = 1;
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        n *= dims[i];
      }
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("path " + name + " holds " + n + " values, more than fit one array");
      }
      return new IdxArray(dims, readValues(in, type, (int) n, name));
    } catch (EOFException e) {
      throw new IllegalArgumentException("path " + name + " is truncated: the IDX header promises more data", e);
    }
  }

  private static float[] readValues(DataInputStream in, int type, int n, String name) throws IOException {
    int width = switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> throw new IllegalArgumentException(
          "path " + name + " has IDX type code 0x" + Integer.toHexString(type)
              + ", expected one of 0x08 (ubyte), 0x09 (byte), 0x0B (short), 0x0C (int), 0x0D (float), 0x0E (double)");
    };
    byte[] raw = new byte[Math.multiplyExact(n, width)];
    in.readFully(raw);
    ByteBuffer buf = ByteBuffer.wrap(raw); // IDX is big-endian, ByteBuffer's default
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = switch (type) {
        case 0x08 -> raw[i] & 0xff;
        case 0x09 -> raw[i];
        case 0x0B -> buf.getShort(2 * i);
        case 0x0C -> buf.getInt(4 * i);
        case 0x0D -> buf.getFloat(4 * i);
        default -> (float) buf.getDouble(8 * i);
      };
    }
    return out;
  }
}
