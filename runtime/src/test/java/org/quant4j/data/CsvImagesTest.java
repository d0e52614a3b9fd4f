package org.quant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvImagesTest {

  @TempDir Path dir;

  @Test
  void readsLabelLastAndSkipsHeaderAndComments() throws IOException {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "p0,p1,p2,p3,label\n# a comment\n0,16,8,4,2\n\n16,0,0,0,0\n");
    ImageSet s = CsvImages.read(f, 1, 2, 2, 16f, LabelColumn.LAST);
    assertEquals(2, s.size());
    assertArrayEquals(new float[] {0, 1, 0.5f, 0.25f, 1, 0, 0, 0}, s.pixels());
    assertArrayEquals(new int[] {2, 0}, s.labels());
    assertEquals(3, s.numClasses());
  }

  @Test
  void readsLabelFirstAsKaggleMnistDoes() throws IOException {
    Path f = dir.resolve("k.csv");
    Files.writeString(f, "7,255,0\n");
    ImageSet s = CsvImages.read(f, 1, 1, 2, 255f, LabelColumn.FIRST);
    assertArrayEquals(new float[] {1, 0}, s.pixels());
    assertArrayEquals(new int[] {7}, s.labels());
  }

  @Test
  void readsUnlabelledRows() throws IOException {
    Path f = dir.resolve("u.csv");
    Files.writeString(f, "1,2\n3,4\n");
    ImageSet s = CsvImages.read(f, 2, 1, 1, 1f, LabelColumn.NONE);
    assertNull(s.labels());
    assertEquals(2, s.size());
  }

  @Test
  void namesTheLineWithTheWrongNumberOfValues() throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "1,2,3\n1,2\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CsvImages.read(f, 1, 1, 3, 1f, LabelColumn.NONE));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("expected 3"), e.getMessage());
  }

  @Test
  void namesAValueThatIsNotANumber() throws IOException {
    Path f = dir.resolve("nan.csv");
    Files.writeString(f, "1,x\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CsvImages.read(f, 1, 1, 2, 1f, LabelColumn.NONE));
    assertTrue(e.getMessage().contains("'x'"), e.getMessage());
  }
}
