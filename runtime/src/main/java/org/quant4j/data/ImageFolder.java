package org.quant4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of image files read as an {@link ImageSet}: see {@link ImageFiles} for the layout. Files are
 * taken in sorted name order; files that are not images by their extension are skipped.
 */
final class ImageFolder {

  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private ImageFolder() {}

  static ImageSet read(Path dir) throws IOException {
    List<Path> classes = sorted(dir, Files::isDirectory);
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    if (classes.isEmpty()) {
      files.addAll(sorted(dir, ImageFolder::isImage));
    } else {
      for (int c = 0; c < classes.size(); c++) {
        for (Path f : sorted(classes.get(c), ImageFolder::isImage)) {
          files.add(f);
          labels.add(c);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(dir + " holds no image (" + String.join(", ", EXTENSIONS)
          + "), directly or in one sub-folder per class");
    }
    float[] pixels = null;
    int channels = 0;
    int height = 0;
    int width = 0;
    for (int i = 0; i < files.size(); i++) {
      BufferedImage img = ImageIO.read(files.get(i).toFile());
      if (img == null) {
        throw new IllegalArgumentException(files.get(i) + " is not an image the JDK can decode");
      }
      int ch = img.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
      if (pixels == null) {
        channels = ch;
        height = img.getHeight();
        width = img.getWidth();
        pixels = new float[Math.multiplyExact(files.size(), channels * height * width)];
      } else if (ch != channels || img.getHeight() != height || img.getWidth() != width) {
        throw new IllegalArgumentException(files.get(i) + " is " + ch + "x" + img.getHeight() + "x" + img.getWidth()
            + " (channels x height x width), expected " + channels + "x" + height + "x" + width + " like "
            + files.get(0) + "; images are not resized");
      }
      int base = i * channels * height * width;
      int plane = height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = y * width + x;
          if (channels == 1) {
            pixels[base + p] = img.getRaster().getSample(x, y, 0);
          } else {
            int rgb = img.getRGB(x, y);
            pixels[base + p] = (rgb >> 16) & 0xff;
            pixels[base + plane + p] = (rgb >> 8) & 0xff;
            pixels[base + 2 * plane + p] = rgb & 0xff;
          }
        }
      }
    }
    int[] classOf = labels.isEmpty() ? null : labels.stream().mapToInt(Integer::intValue).toArray();
    return new ImageSet(pixels, classOf, channels, height, width, classOf == null ? 0 : classes.size());
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return Files.isRegularFile(p) && dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  private static List<Path> sorted(Path dir, Predicate<Path> keep) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(keep).sorted().toList();
    }
  }
}
