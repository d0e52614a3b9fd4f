package org.quant4j.onnx.ptq;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.quant4j.data.ImageSet;

/** The PyTorch-exported Fashion-MNIST CNN, its reference results and the images, from the test resources. */
final class FashionResources {

  private FashionResources() {}

  static Path resource(String name) {
    try {
      return Path.of(FashionResources.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("test resource " + name + " is missing", e);
    }
  }

  static Path model() {
    return resource("cnn_fashion_fp32.onnx");
  }

  static Path referenceJson() {
    return resource("cnn_fashion.json");
  }

  /** The first 1,024 training images, pixels / 255. */
  static ImageSet calibrationImages() throws IOException {
    return ImageSet.fromIdx(resource("fashion/train-images-first1024-idx3-ubyte.gz"), null, 255f);
  }

  /** The 10,000 test images with labels, pixels / 255. */
  static ImageSet testImages() throws IOException {
    return ImageSet.fromIdx(resource("fashion/t10k-images-idx3-ubyte.gz"),
        resource("fashion/t10k-labels-idx1-ubyte.gz"), 255f);
  }

  /** The reference's recipe: batches of 256 images as {@code input -> float[]}. */
  static List<Map<String, float[]>> batches(ImageSet images, int batchSize) {
    List<Map<String, float[]>> batches = new ArrayList<>();
    int item = images.imageSize();
    for (int from = 0; from < images.size(); from += batchSize) {
      int to = Math.min(images.size(), from + batchSize);
      batches.add(Map.of("input", Arrays.copyOfRange(images.pixels(), from * item, to * item)));
    }
    return batches;
  }
}
