package org.quant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy/.npz reader on files laid out as numpy writes them, and the image files built on it. */
class NumpyArrayTest {

  @TempDir Path dir;

  /** A version-1 .npy: magic, version, header padded so the data starts at a multiple of 64. */
  private static byte[] npy(String descr, String shape, byte[] data) {
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
    header += " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
        .putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
    return b.array();
  }

  private static byte[] float32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  @Test
  void readsFloat32AndUint8ArraysWithTheirShapes() throws IOException {
    Path f = Files.write(dir.resolve("f.npy"), npy("<f4", "2, 3", float32(1.5f, -2f, 0f, 3.25f, 1e-3f, 7f)));
    NumpyArray a = NumpyArray.readNpy(f);
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f, 1e-3f, 7f}, a.values());
    Path u = Files.write(dir.resolve("u.npy"), npy("|u1", "3,", new byte[] {0, (byte) 200, (byte) 255}));
    assertArrayEquals(new float[] {0f, 200f, 255f}, NumpyArray.readNpy(u).values());
  }

  @Test
  void readsAnNpzOfImagesAndLabels() throws IOException {
    Path npz = dir.resolve("set.npz");
    try (OutputStream out = Files.newOutputStream(npz); ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("x.npy"));
      zip.write(npy("<f4", "2, 1, 1, 2", float32(0.1f, 0.2f, 0.3f, 0.4f)));
      zip.putNextEntry(new ZipEntry("y.npy"));
      ByteArrayOutputStream y = new ByteArrayOutputStream();
      ByteBuffer labels = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(0);
      y.write(labels.array());
      zip.write(npy("<i8", "2,", y.toByteArray()));
    }
    Map<String, NumpyArray> arrays = NumpyArray.readNpz(npz);
    assertEquals(List.of("x", "y"), List.copyOf(arrays.keySet()));
    ImageSet set = ImageFiles.read(npz, null);
    assertEquals(2, set.size());
    assertArrayEquals(new int[] {1, 0}, set.labels());
    assertEquals(1, set.channels());
    assertEquals(2, set.width());
  }

  @Test
  void fortranOrderAndForeignFilesAreRefused() throws IOException {
    byte[] fortran = npy("<f4", "1,", float32(1f));
    String text = new String(fortran, StandardCharsets.ISO_8859_1).replace("False", "True ");
    Path f = Files.write(dir.resolve("f.npy"), text.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NumpyArray.readNpy(f)).getMessage()
        .contains("Fortran order"));
    Path t = Files.writeString(dir.resolve("t.npy"), "hello");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> NumpyArray.readNpy(t)).getMessage()
        .contains("is not a numpy .npy array"));
  }
}
