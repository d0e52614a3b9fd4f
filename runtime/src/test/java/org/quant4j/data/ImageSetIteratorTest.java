package org.quant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class ImageSetIteratorTest {

  private static ImageSet numbered(int n) {
    float[] px = new float[n * 4];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        px[i * 4 + j] = i;
      }
      labels[i] = i % 3;
    }
    return new ImageSet(px, labels, 1, 2, 2, 3);
  }

  @Test
  void servesNchwBatchesWithOneHotLabelsAndASmallerLastBatch() {
    ImageSetIterator it = ImageSetIterator.inOrder(numbered(5), 2);
    assertEquals(3, it.batchesPerEpoch());
    DataSet first = it.next();
    assertArrayEquals(new long[] {2, 1, 2, 2}, first.getFeatures().shape());
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, first.getLabels().data().asFloat());
    it.next();
    DataSet last = it.next();
    assertEquals(1, last.getFeatures().size(0));
    assertEquals(4f, last.getFeatures().getFloat(0), 0f);
    assertFalse(it.hasNext());
  }

  @Test
  void shuffledPassesVisitEveryImageOnceInANewOrder() {
    ImageSetIterator it = ImageSetIterator.shuffled(numbered(50), 50, 7);
    List<Float> firstPass = firstPixels(it.next());
    it.reset();
    List<Float> secondPass = firstPixels(it.next());
    assertEquals(50, firstPass.stream().distinct().count());
    assertEquals(50, secondPass.stream().distinct().count());
    assertNotEquals(firstPass, secondPass);
  }

  private static List<Float> firstPixels(DataSet ds) {
    List<Float> v = new ArrayList<>();
    for (int i = 0; i < ds.getFeatures().size(0); i++) {
      v.add(ds.getFeatures().getFloat(i * 4L));
    }
    return v;
  }
}
