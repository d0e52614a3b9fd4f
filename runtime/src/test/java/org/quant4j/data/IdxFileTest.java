package org.quant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFileTest {

  @TempDir Path dir;

  static byte[] idx(int type, int[] dims, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(0);
    out.writeByte(type);
    out.writeByte(dims.length);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(payload);
    return bytes.toByteArray();
  }

  @Test
  void readsUnsignedBytesExactlyAsMnistStoresThem() throws IOException {
    Path f = dir.resolve("images");
    Files.write(f, idx(0x08, new int[] {2, 1, 2}, new byte[] {0, (byte) 255, (byte) 128, 7}));
    IdxArray a = IdxFile.read(f);
    assertArrayEquals(new int[] {2, 1, 2}, a.dims());
    assertArrayEquals(new float[] {0, 255, 128, 7}, a.values());
    assertEquals(2, a.count());
    assertEquals(2, a.itemSize());
  }

  @Test
  void recognisesGzipByItsMagicBytesWhateverTheName() throws IOException {
    Path f = dir.resolve("labels-no-extension");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(idx(0x08, new int[] {3}, new byte[] {1, 2, 9}));
    }
    assertArrayEquals(new float[] {1, 2, 9}, IdxFile.read(f).values());
  }

  @Test
  void readsBigEndianFloats() throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DataOutputStream p = new DataOutputStream(payload);
    p.writeFloat(-1.5f);
    p.writeFloat(3.25f);
    Path f = dir.resolve("floats");
    Files.write(f, idx(0x0D, new int[] {2}, payload.toByteArray()));
    assertArrayEquals(new float[] {-1.5f, 3.25f}, IdxFile.read(f).values());
  }

  @Test
  void rejectsAFileThatIsNotIdxNamingIt() throws IOException {
    Path f = dir.resolve("not-idx.txt");
    Files.writeString(f, "hello world, not an IDX file");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxFile.read(f));
    assertTrue(e.getMessage().contains("not-idx.txt"), e.getMessage());
  }

  @Test
  void rejectsATruncatedPayload() throws IOException {
    Path f = dir.resolve("short");
    Files.write(f, idx(0x08, new int[] {10}, new byte[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> IdxFile.read(f));
  }

  @Test
  void imageSetScalesPixelsAndCountsClasses() throws IOException {
    Path img = dir.resolve("img");
    Path lab = dir.resolve("lab");
    Files.write(img, idx(0x08, new int[] {2, 2, 2}, new byte[] {0, (byte) 255, 51, 102, 0, 0, 0, (byte) 255}));
    Files.write(lab, idx(0x08, new int[] {2}, new byte[] {3, 1}));
    ImageSet s = ImageSet.fromIdx(img, lab, 255f);
    assertEquals(2, s.size());
    assertEquals(1, s.channels());
    assertEquals(4, s.numClasses());
    assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f, 0, 0, 0, 1}, s.pixels(), 1e-7f);
    assertArrayEquals(new int[] {3, 1}, s.labels());
  }
}
