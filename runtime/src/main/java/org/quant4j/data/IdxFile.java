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
    try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      raw.mark(2);
      int magic = (raw.read() << 8) | raw.read();
      raw.reset();
      boolean gzip = magic == GZIP_MAGIC;
      InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
      return read(in, path.toString(), gzip ? -1 : Files.size(path));
    } catch (IOException e) {
      throw new IOException("cannot read IDX file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the IDX content of a stream.
   *
   * @param stream the (uncompressed) content
   * @param name the file's name, for messages
   * @param size the content's size in bytes when known, else -1: a header that promises more values
   *     than that is refused before anything is allocated
   */
  private static IdxArray read(InputStream stream, String name, long size) throws IOException {
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
      int width = width(type, name);
      int[] dims = new int[rank];
      long n = 1;
      for (int i = 0; i < rank; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new IllegalArgumentException("path " + name + " has IDX dimension " + i + " of " + dims[i]
              + ", expected a size >= 0 (a corrupt header)");
        }
        n = Math.multiplyExact(n, dims[i]);
      }
      if (n > Integer.MAX_VALUE / width) {
        throw new IllegalArgumentException("path " + name + " holds " + n + " values, more than fit one array");
      }
      long needed = 4L + 4L * rank + n * width;
      if (size >= 0 && needed > size) {
        throw new IllegalArgumentException("path " + name + " is truncated: the IDX header promises " + needed
            + " bytes, the file has " + size);
      }
      return new IdxArray(dims, readValues(in, type, width, (int) n));
    } catch (EOFException e) {
      throw new IllegalArgumentException("path " + name + " is truncated: the IDX header promises more data", e);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("path " + name + " has IDX dimensions whose product overflows (a corrupt header)", e);
    }
  }

  private static int width(int type, String name) {
    return switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> throw new IllegalArgumentException(
          "path " + name + " has IDX type code 0x" + Integer.toHexString(type)
              + ", expected one of 0x08 (ubyte), 0x09 (byte), 0x0B (short), 0x0C (int), 0x0D (float), 0x0E (double)");
    };
  }

  private static float[] readValues(DataInputStream in, int type, int width, int n) throws IOException {
    byte[] raw = new byte[n * width];
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
