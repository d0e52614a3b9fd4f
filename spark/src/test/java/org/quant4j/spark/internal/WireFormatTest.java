package org.quant4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.Calibrator;
import org.quant4j.calib.HistogramCalibrator;
import org.quant4j.calib.MaxCalibrator;

/** What crosses the wire arrives with the same bits. */
class WireFormatTest {

  @Test
  void calibratorsMergeOnTheOtherSideAsIfTheyHadBeenThere() {
    MaxCalibrator perChannel = new MaxCalibrator(8, new int[] {0}, false);
    perChannel.collect(Nd4j.createFromArray(new float[][] {{1f, -2.5f}, {0.1f, 0.3f}, {Float.MIN_VALUE, 0f}}));
    MaxCalibrator oneChannel = new MaxCalibrator(8, new int[] {0}, false);
    oneChannel.collect(Nd4j.createFromArray(new float[][] {{-7.25f, 3f}}));
    HistogramCalibrator histogram = HistogramCalibrator.builder().numBins(8).build();
    histogram.fixGrid(4f);
    histogram.collect(Nd4j.createFromArray(0.5f, 1f, 3.9f, -4f, 0f));
    Map<String, Calibrator> sent = new LinkedHashMap<>();
    sent.put("a", perChannel);
    sent.put("b", oneChannel);
    sent.put("c", histogram);
    sent.put("unused", new MaxCalibrator(8, new int[0], false));

    Map<String, Calibrator> received = new LinkedHashMap<>();
    received.put("a", new MaxCalibrator(8, new int[] {0}, false));
    received.put("b", new MaxCalibrator(8, new int[] {0}, false));
    HistogramCalibrator onGrid = HistogramCalibrator.builder().numBins(8).build();
    onGrid.fixGrid(4f);
    received.put("c", onGrid);
    received.put("unused", new MaxCalibrator(8, new int[0], false));
    WireFormat.mergeCalibrators(WireFormat.calibrators(sent), received);

    for (String name : new String[] {"a", "b"}) {
      assertArrayEquals(sent.get(name).computeAmax().shape(), received.get(name).computeAmax().shape(), name);
      assertArrayEquals(sent.get(name).computeAmax().data().asInt(), received.get(name).computeAmax().data().asInt(),
          name);
    }
    assertArrayEquals(histogram.histogram().toLongVector(), onGrid.histogram().toLongVector());
    assertEquals(DataType.LONG, onGrid.histogram().dataType());
    assertEquals(false, received.get("unused").hasData());
  }

  @Test
  void rangesKeepTheirBitsAndAMessageOfAnotherKindIsRefused() {
    Map<String, Float> ranges = new LinkedHashMap<>();
    ranges.put("x", Float.MIN_VALUE);
    ranges.put("y", 3.4028235e38f);
    byte[] message = WireFormat.ranges(ranges);
    assertEquals(ranges, WireFormat.readRanges(message));
    assertEquals("expected a message of kind C, got R", assertThrows(IllegalArgumentException.class,
        () -> WireFormat.mergeCalibrators(message, Map.of())).getMessage());
  }
}
