package org.quant4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads images from CSV: one image per row, its {@code channels * height * width} values in CHW order,
 * with an optional label column. Commas separate values; blank lines and lines starting with {@code #}
 * are skipped, and so is a first row that is not numeric (a header). Files ending in {@code .gz} are
 * decompressed.
 */
public final class CsvImages {

  private CsvImages() {}

  /**
   * Reads a CSV file of images.
   *
   * @param path the file
   * @param channels channels per image
   * @param height rows per image
   * @param width columns per image
   * @param scale the divisor applied to every pixel value (255 for bytes, 16 for scikit-learn's digits)
   * @param labelColumn where the label is, if anywhere
   * @return the images; {@code numClasses} is the largest label + 1
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the line that has the wrong number of values or a value
   *     that is not a number
   */
  public static ImageSet read(Path path, int channels, int height, int width, float scale, LabelColumn labelColumn)
      throws IOException {
    try (BufferedReader in = open(path)) {
      return read(in, path.toString(), channels, height, width, scale, labelColumn);
    }
  }

  /**
   * Reads CSV images from a reader (a class-path resource, a pipe), as {@link #read(Path, int, int, int,
   * float, LabelColumn)} does from a file.
   *
   * @param in the CSV text; not closed
   * @param source what to call the source in error messages
   * @param channels channels per image
   * @param height rows per image
   * @param width columns per image
   * @param scale the divisor applied to every pixel value
   * @param labelColumn where the label is, if anywhere
   * @return the images
   * @throws IOException if reading fails
   */
  public static ImageSet read(
      BufferedReader in, String source, int channels, int height, int width, float scale, LabelColumn labelColumn)
      throws IOException {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
    }
    int item = Math.multiplyExact(Math.multiplyExact(channels, height), width);
    int expected = labelColumn == LabelColumn.NONE ? item : item + 1;
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    {
      String line;
      int lineNo = 0;
      boolean first = true;
      while ((line = in.readLine()) != null) {
        lineNo++;
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
          continue;
        }
        String[] f = s.split(",", -1);
        if (first && !isNumber(f[0].strip())) {
          first = false;
          continue; // header
        }
        first = false;
        if (f.length != expected) {
          throw new IllegalArgumentException(
              source + " line " + lineNo + " has " + f.length + " values, expected " + expected + " ("
                  + channels + "x" + height + "x" + width + " pixels"
                  + (labelColumn == LabelColumn.NONE ? "" : " + a label " + labelColumn.name().toLowerCase()) + ")");
        }
        int off = labelColumn == LabelColumn.FIRST ? 1 : 0;
        float[] px = new float[item];
        for (int i = 0; i < item; i++) {
          px[i] = parse(f[off + i], source, lineNo) / scale;
        }
        rows.add(px);
        if (labelColumn != LabelColumn.NONE) {
          float y = parse(f[labelColumn == LabelColumn.FIRST ? 0 : item], source, lineNo);
          if (y != Math.rint(y) || y < 0) {
            throw new IllegalArgumentException(
                source + " line " + lineNo + " has label " + y + ", expected a class index >= 0");
          }
          labels.add((int) y);
        }
      }
    }
    float[] pixels = new float[rows.size() * item];
    for (int r = 0; r < rows.size(); r++) {
      System.arraycopy(rows.get(r), 0, pixels, r * item, item);
    }
    if (labelColumn == LabelColumn.NONE) {
      return new ImageSet(pixels, null, channels, height, width, 0);
    }
    int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
    return new ImageSet(pixels, y, channels, height, width, ImageSet.classCount(y));
  }

  private static BufferedReader open(Path path) throws IOException {
    InputStream in = Files.newInputStream(path);
    if (path.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
  }

  private static boolean isNumber(String s) {
    try {
      Float.parseFloat(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static float parse(String s, String source, int lineNo) {
    try {
      return Float.parseFloat(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + " line " + lineNo + " has value '" + s + "', expected a number", e);
    }
  }
}
