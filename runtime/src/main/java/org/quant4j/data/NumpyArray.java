package org.quant4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One array of a numpy {@code .npy} file, or of the {@code .npz} archive (a zip of {@code .npy} files)
 * that {@code numpy.savez} writes, widened to float.
 *
 * <p>The format (numpy's {@code numpy.lib.format}, versions 1 to 3): the magic {@code \x93NUMPY}, a
 * version, a little-endian header length (2 bytes in version 1, 4 after), then a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (n, 28, 28), }}, then the values in C order.
 * Read here: little-endian or byte-order-free {@code float32/64}, {@code int8/16/32/64},
 * {@code uint8/16/32} and {@code bool}; C order only (a Fortran-ordered array is refused, not
 * transposed); no pickled objects.
 *
 * @param values the values in C order
 * @param shape the dimensions
 */
public record NumpyArray(float[] values, long[] shape) {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?)([a-z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /**
   * Reads a {@code .npy} file.
   *
   * @param file the file
   * @return its array
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a {@code .npy} file this reader supports
   */
  public static NumpyArray readNpy(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads every array of a {@code .npz} archive.
   *
   * @param file the archive
   * @return array name (the entry name without {@code .npy}) to array, in archive order
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if an entry is not a supported {@code .npy} array
   */
  public static Map<String, NumpyArray> readNpz(Path file) throws IOException {
    Map<String, NumpyArray> arrays = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
        arrays.put(name, read(zip, file + ":" + e.getName()));
      }
    }
    if (arrays.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no array, expected a .npz archive written by numpy.savez");
    }
    return arrays;
  }

  private static NumpyArray read(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
      throw new IllegalArgumentException(source + " is not a numpy .npy array (no \\x93NUMPY magic)");
    }
    int major = magic[6];
    byte[] lengthBytes = in.readNBytes(major == 1 ? 2 : 4);
    ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(lengthBytes, 4)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = lb.getInt();
    String header = new String(in.readNBytes(headerLength), major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeText = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeText.find()) {
      throw new IllegalArgumentException(source + " has a .npy header this reader does not understand: " + header.strip());
    }
    if (fortran.group(1).equals("True")) {
      throw new IllegalArgumentException(source + " is stored in Fortran order; save it in C order (np.ascontiguousarray)");
    }
    String[] dims = shapeText.group(1).split(",");
    long[] shape = Arrays.stream(dims).map(String::strip).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(source + " has " + count + " values, more than one Java array holds");
    }
    char kind = descr.group(2).charAt(0);
    int size = Integer.parseInt(descr.group(3));
    if (descr.group(1).equals(">") && size > 1) {
      throw new IllegalArgumentException(source + " is big-endian ('" + descr.group(1) + kind + size + "'); expected little-endian");
    }
    byte[] raw = in.readNBytes(Math.toIntExact(count * size));
    if (raw.length != count * size) {
      throw new IllegalArgumentException(source + " is truncated: expected " + count * size + " bytes of data, found " + raw.length);
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    DoubleSupplier next = switch (kind + Integer.toString(size)) {
      case "f4" -> b::getFloat;
      case "f8" -> b::getDouble;
      case "i1" -> b::get;
      case "u1", "b1" -> () -> b.get() & 0xff;
      case "i2" -> b::getShort;
      case "u2" -> () -> b.getShort() & 0xffff;
      case "i4" -> b::getInt;
      case "u4" -> () -> b.getInt() & 0xffffffffL;
      case "i8" -> b::getLong;
      default -> throw new IllegalArgumentException(source + " has dtype '" + kind + size
          + "', expected a float, integer or bool array");
    };
    float[] v = new float[(int) count];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) next.getAsDouble();
    }
    return new NumpyArray(v, shape);
  }

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if either is null
   */
  public NumpyArray {
    if (values == null || shape == null) {
      throw new IllegalArgumentException("values and shape must not be null");
    }
  }
}
