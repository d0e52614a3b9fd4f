package org.quant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders of PNG files, one sub-folder per class, read as labelled images in CHW order. */
class ImageFolderTest {

  @TempDir Path dir;

  private void png(Path file, int type, int w, int h, int value) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
          img.getRaster().setSample(x, y, 0, value + x);
        } else {
          img.setRGB(x, y, (value << 16) | ((value + 1) << 8) | (value + 2));
        }
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void subFoldersAreClassesInSortedOrderAndGreyImagesHaveOneChannel() throws IOException {
    png(dir.resolve("cat/b.png"), BufferedImage.TYPE_BYTE_GRAY, 3, 2, 10);
    png(dir.resolve("cat/a.png"), BufferedImage.TYPE_BYTE_GRAY, 3, 2, 20);
    png(dir.resolve("ant/z.png"), BufferedImage.TYPE_BYTE_GRAY, 3, 2, 30);
    Files.writeString(dir.resolve("ant/notes.txt"), "not an image");
    ImageSet set = ImageFiles.read(dir, null);
    assertEquals(3, set.size());
    assertEquals(1, set.channels());
    assertArrayEquals(new int[] {0, 1, 1}, set.labels());
    assertArrayEquals(new float[] {30, 31, 32, 30, 31, 32}, Arrays.copyOf(set.pixels(), 6));
    assertEquals(20f, set.pixels()[6]);
  }

  @Test
  void colourImagesAreRgbPlanesAndSizesMustAgree() throws IOException {
    png(dir.resolve("one.png"), BufferedImage.TYPE_INT_RGB, 2, 2, 100);
    ImageSet set = ImageFiles.read(dir, null);
    assertEquals(3, set.channels());
    assertArrayEquals(new float[] {100, 100, 100, 100, 101, 101, 101, 101, 102, 102, 102, 102}, set.pixels());
    png(dir.resolve("two.png"), BufferedImage.TYPE_INT_RGB, 3, 2, 100);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(dir, null)).getMessage()
        .contains("images are not resized"));
  }
}
