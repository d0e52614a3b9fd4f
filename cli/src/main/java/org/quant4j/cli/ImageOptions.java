package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.quant4j.data.CsvImages;
import org.quant4j.data.IdxFile;
import org.quant4j.data.ImageSet;
import org.quant4j.data.LabelColumn;
import picocli.CommandLine.Option;

/**
 * The image options every command that reads images shares ({@code --data}, and how a CSV is read) and the
 * reading itself: IDX images (plain or .gz), or CSV rows, with labels from an IDX labels file or a CSV column.
 */
final class ImageOptions {

  @Option(names = "--data", required = true,
      description = "Images: an IDX images file (plain or .gz, e.g. train-images-idx3-ubyte) or a CSV file (.csv or .csv.gz, one image per row).")
  Path data;

  @Option(names = "--shape", defaultValue = "1,28,28", description = "CSV image shape C,H,W. Default: ${DEFAULT-VALUE}")
  String shape;

  @Option(names = "--scale", defaultValue = "255", description = "Every pixel is divided by this. Default: ${DEFAULT-VALUE}")
  float scale;

  @Option(names = "--label-column", defaultValue = "none",
      description = "CSV: where each row's label is: none, first or last. Default: ${DEFAULT-VALUE}")
  String labelColumn;

  /**
   * Checks the options that can be checked without reading the data.
   *
   * @throws IllegalArgumentException naming the first bad option
   */
  void check() {
    requireFile("--data", data, "IDX images or CSV");
    if (!(scale > 0) || !Float.isFinite(scale)) {
      throw new IllegalArgumentException("--scale " + scale + " must be a finite number > 0 (every pixel is divided by it)");
    }
    if (isCsv(data)) {
      parseShape(shape);
      labelColumn();
    }
  }

  /**
   * @return the images of {@code --data}, without labels unless a CSV's label column gives them
   * @throws IOException if the file cannot be read
   */
  ImageSet images() throws IOException {
    return read("--data", data);
  }

  /**
   * Reads another images file the same way as {@code --data} (same CSV shape, scale and label column).
   *
   * @param option the option that gave it, for messages
   * @param file the file
   * @return the images
   * @throws IOException if the file cannot be read
   */
  ImageSet read(String option, Path file) throws IOException {
    requireFile(option, file, "IDX images or CSV");
    if (isCsv(file)) {
      int[] chw = parseShape(shape);
      return CsvImages.read(file, chw[0], chw[1], chw[2], scale, labelColumn());
    }
    return ImageSet.fromIdx(file, null, scale);
  }

  /**
   * The images of {@code --data} with their labels: from an IDX labels file for IDX images, from the label
   * column for a CSV.
   *
   * @param labels the IDX labels file ({@code --labels}), or null for a CSV with a label column
   * @return labelled images
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if labels are missing, given twice, or do not match the images one to one
   */
  ImageSet labelled(Path labels) throws IOException {
    if (isCsv(data)) {
      if (labels != null) {
        throw new IllegalArgumentException("--labels " + labels + " is for IDX images; the CSV --data " + data
            + " carries its labels in a column (--label-column first or last)");
      }
      if (labelColumn() == LabelColumn.NONE) {
        throw new IllegalArgumentException("--data " + data + " has no labels: give --label-column first or last");
      }
      return images();
    }
    if (labels == null) {
      throw new IllegalArgumentException("--data " + data + " needs its labels: give --labels (an IDX labels file)");
    }
    requireFile("--labels", labels, "an IDX labels file");
    ImageSet unlabelled = images();
    int count = IdxFile.read(labels).count();
    if (count != unlabelled.size()) {
      throw new IllegalArgumentException("--labels " + labels + " has " + count + " labels but --data " + data
          + " has " + unlabelled.size() + " images; they must match one to one");
    }
    return ImageSet.fromIdx(data, labels, scale);
  }

  /**
   * Checks that an input file exists and is readable.
   *
   * @param option the option that gave it
   * @param file the file
   * @param expected what it should be, for the message
   * @throws IllegalArgumentException naming the option and the file
   */
  static void requireFile(String option, Path file, String expected) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + ": no such file, expected " + expected);
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + ": not readable");
    }
  }

  private static boolean isCsv(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".csv") || name.endsWith(".csv.gz");
  }

  private LabelColumn labelColumn() {
    try {
      return LabelColumn.valueOf(labelColumn.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--label-column " + labelColumn + " must be none, first or last", e);
    }
  }

  private static int[] parseShape(String text) {
    String[] p = text.split(",");
    if (p.length != 3) {
      throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)");
    }
    int[] v = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        v[i] = Integer.parseInt(p[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)", e);
      }
      if (v[i] < 1) {
        throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)");
      }
    }
    return v;
  }
}
