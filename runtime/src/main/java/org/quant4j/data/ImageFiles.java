package org.quant4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Reads images as stored (what {@code quant4j quantize-onnx} calibrates and evaluates on): IDX files
 * (MNIST's format, plain or gzipped), numpy {@code .npy}/{@code .npz} arrays, and folders of image
 * files (PNG, JPEG, BMP, GIF, decoded with the JDK's {@code javax.imageio}). Values are returned
 * unscaled (bytes as 0..255); the caller normalises them.
 *
 * <p>An array of rank 4 is {@code [n, c, h, w]}, rank 3 {@code [n, h, w]} (one channel), rank 2
 * {@code [n, d]} (read as {@code [n, 1, 1, d]}). A {@code .npz} archive gives its images as {@code x}
 * or {@code images} and its labels as {@code y} or {@code labels}; an archive of one array is images
 * only. IDX labels are a separate rank-1 file.
 *
 * <p>A folder holds either image files (unlabelled) or one sub-folder per class, whose sorted names
 * give the class indices 0, 1, ... (the layout of torchvision's {@code ImageFolder}). Every image must
 * have the size of the first; grey images give one channel, colour images three (RGB, alpha dropped),
 * in CHW order. Images are not resized.
 */
public final class ImageFiles {

  private ImageFiles() {}

  /**
   * Reads images and, optionally, their labels.
   *
   * @param images an IDX, {@code .npy} or {@code .npz} file, or a folder of images
   * @param labels a label file (IDX or {@code .npy}) when the images file has none, or null (ignored
   *     for a folder)
   * @return the images, labelled when labels were found
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the file when it is missing, of an unknown kind, or its
   *     arrays do not fit together
   */
  public static ImageSet read(Path images, Path labels) throws IOException {
    if (Files.isDirectory(images)) {
      return ImageFolder.read(images);
    }
    if (!Files.isRegularFile(images)) {
      throw new IllegalArgumentException(images + " is not a file or folder, expected IDX images, a .npy or .npz"
          + " array, or a folder of images");
    }
    String name = images.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return labelled(fromArray(NumpyArray.readNpy(images), images.toString()), labels);
    }
    if (name.endsWith(".npz")) {
      Map<String, NumpyArray> arrays = NumpyArray.readNpz(images);
      NumpyArray x = arrays.size() == 1 ? arrays.values().iterator().next()
          : arrays.containsKey("x") ? arrays.get("x") : arrays.get("images");
      if (x == null) {
        throw new IllegalArgumentException(images + " holds arrays " + arrays.keySet()
            + "; expected the images as 'x' or 'images' (and labels as 'y' or 'labels')");
      }
      NumpyArray y = arrays.containsKey("y") ? arrays.get("y") : arrays.get("labels");
      ImageSet set = fromArray(x, images.toString());
      return y != null && labels == null ? withLabels(set, y.values(), images.toString()) : labelled(set, labels);
    }
    if (labels != null && labels.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      return labelled(ImageSet.fromIdx(images, null, 1f), labels);
    }
    return ImageSet.fromIdx(images, labels, 1f);
  }

  /**
   * The labels file that MNIST-style naming puts beside an IDX images file
   * ({@code t10k-images-idx3-ubyte.gz} → {@code t10k-labels-idx1-ubyte.gz}), or null when the name does
   * not follow it or the file is missing.
   *
   * @param images the images file
   * @return the labels file, or null
   */
  public static Path idxLabelsBeside(Path images) {
    String name = images.getFileName().toString();
    if (!name.contains("images-idx3")) {
      return null;
    }
    Path labels = images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
    return Files.isRegularFile(labels) ? labels : null;
  }

  private static ImageSet fromArray(NumpyArray a, String source) {
    long[] s = a.shape();
    return switch (s.length) {
      case 2 -> new ImageSet(a.values(), null, 1, 1, (int) s[1], 0);
      case 3 -> new ImageSet(a.values(), null, 1, (int) s[1], (int) s[2], 0);
      case 4 -> new ImageSet(a.values(), null, (int) s[1], (int) s[2], (int) s[3], 0);
      default -> throw new IllegalArgumentException(source + " has shape " + Arrays.toString(s)
          + ", expected [n, d], [n, h, w] or [n, c, h, w]");
    };
  }

  private static ImageSet labelled(ImageSet images, Path labels) throws IOException {
    if (labels == null) {
      return images;
    }
    if (!Files.isRegularFile(labels)) {
      throw new IllegalArgumentException(labels + " is not a file, expected labels (IDX or .npy)");
    }
    float[] values = labels.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")
        ? NumpyArray.readNpy(labels).values() : IdxFile.read(labels).values();
    return withLabels(images, values, labels.toString());
  }

  private static ImageSet withLabels(ImageSet images, float[] values, String source) {
    int[] labels = new int[values.length];
    int max = 0;
    for (int i = 0; i < values.length; i++) {
      if (values[i] < 0 || values[i] != Math.rint(values[i])) {
        throw new IllegalArgumentException(source + " label " + i + " is " + values[i] + ", expected a class index >= 0");
      }
      labels[i] = (int) values[i];
      max = Math.max(max, labels[i]);
    }
    if (labels.length != images.size()) {
      throw new IllegalArgumentException(source + " has " + labels.length + " labels for " + images.size()
          + " images, expected one per image");
    }
    return new ImageSet(images.pixels(), labels, images.channels(), images.height(), images.width(), max + 1);
  }
}
