package org.quant4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.MaxCalibrator;
import org.quant4j.conformance.GoldenTensors;
import org.quant4j.tensor.QuantDescriptor;

/** TensorQuantizer against golden/tensor_quantizer.json and gradients.json. */
class TensorQuantizerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode quantizerGolden;
  private static JsonNode gradientsGolden;

  @BeforeAll
  static void load() throws IOException {
    File dir = new File(System.getProperty("quant4j.golden", "../golden"));
    quantizerGolden = JSON.readTree(new File(dir, "tensor_quantizer.json"));
    gradientsGolden = JSON.readTree(new File(dir, "gradients.json"));
  }

  private static JsonNode find(JsonNode list, String id) {
    for (JsonNode c : list) {
      if (id.equals(c.path("id").asText())) {
        return c;
      }
    }
    throw new AssertionError("no golden case " + id);
  }

  private static JsonNode forwardCase(String id) {
    return find(quantizerGolden.get("forward_cases"), id);
  }

  private static INDArray input(JsonNode c) {
    return GoldenTensors.decode(c.get("inputs").get("x"));
  }

  @Test
  void defaultQuantizerUsesFullRangeAndPrintsAsTheReference() {
    JsonNode c = forwardCase("default_dynamic");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    assertEquals(c.get("before").get("str").asText(), q.toString());
    assertEquals("TensorQuantizer(8bit fake per-tensor amax=dynamic calibrator=MaxCalibrator scale=1.0 quant)",
        q.toString());
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    assertNull(q.amax());
    assertNull(q.stepSize());
  }

  @Test
  void realQuantizerIgnoresNarrowRangeAndKeepsItsScale() {
    JsonNode c = forwardCase("real_full_range_requested");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().fakeQuant(false).build());
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    GoldenTensors.assertBitsEqual("scale", q.scale(), c.get("after").get("scale"));
    assertEquals(c.get("after").get("str").asText(), q.toString());
  }

  @Test
  void perRowRealScalePrintsAsATorchTensorOnIndentedLines() {
    JsonNode c = forwardCase("readme_4bit");
    TensorQuantizer q = new TensorQuantizer(
        QuantDescriptor.builder().numBits(4).fakeQuant(false).axis(0).unsigned(true).build());
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    assertEquals(c.get("after").get("str").asText(), q.toString());
    assertEquals(c.get("after").get("extra_repr").asText(), q.extraRepr());
  }

  @Test
  void scaleAmaxMultipliesTheDynamicAmax() {
    JsonNode c = forwardCase("scale_amax_axis0");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().axis(0).scaleAmax(0.75f).build());
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    assertEquals(c.get("before").get("str").asText(), q.toString());
  }

  @Test
  void fixedPerRowAmaxClampsAndPrintsItsRange() {
    JsonNode c = forwardCase("amax_given_per_row");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder()
        .amax(new float[] {0.5f, 1f, 2f, 4f}, new long[] {4, 1}).build());
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    GoldenTensors.assertBitsEqual("step_size", q.stepSize(), c.get("after").get("step_size"));
    assertEquals(c.get("after").get("str").asText(), q.toString());
  }

  @Test
  void negativeAxisKeepsItsChannelOnTheDynamicPath() {
    JsonNode c = forwardCase("axis_neg1_dynamic");
    INDArray x = input(c);
    INDArray ours = new TensorQuantizer(QuantDescriptor.builder().axis(-1).build()).apply(x);
    INDArray lastAxis = new TensorQuantizer(QuantDescriptor.builder().axis(2).build()).apply(x);
    assertSameBits(lastAxis, ours);
    // The reference (documented bug) quantized per tensor instead.
    INDArray perTensor = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR).apply(x);
    GoldenTensors.assertBitsEqual("reference output", perTensor, c.get("expected").get("output"));
    assertFalse(sameBits(perTensor, ours));
  }

  @Test
  void unsignedQuantizerRejectsNegativeInput() {
    JsonNode c = forwardCase("unsigned_negative_input");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_UNSIGNED_8BIT_PER_TENSOR);
    assertThrows(IllegalArgumentException.class, () -> q.apply(input(c)));
  }

  @Test
  void preQuantScaleAppliesEvenWhenDisabled() {
    JsonNode c = find(quantizerGolden.get("sequences"), "disabled_with_pre_quant_scale");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR, true, true, false, false);
    q.setPreQuantScale(GoldenTensors.decode(c.get("pre_quant_scale")));
    GoldenTensors.assertBitsEqual("output", q.apply(GoldenTensors.decode(c.get("input"))), c.get("output"));
    assertEquals("TensorQuantizer(disabled)", q.toString());
  }

  @Test
  void preQuantScaleBroadcastsOverRowsBeforeQuantizing() {
    JsonNode c = forwardCase("pre_quant_scale");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    q.setPreQuantScale(GoldenTensors.decode(c.get("setup").get("pre_quant_scale")));
    GoldenTensors.assertBitsEqual("output", q.apply(input(c)), c.get("expected").get("output"));
    assertEquals(c.get("after").get("str").asText(), q.toString());
  }

  @Test
  void disabledQuantizerReturnsItsInput() {
    INDArray x = Nd4j.createFromArray(1f, -3f);
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    q.disable();
    assertSame(x, q.apply(x));
    q.enable();
    q.disableQuant();
    assertSame(x, q.apply(x));
  }

  @Test
  void calibrationLoadsTheMaxOfAllBatchesPerChannel() {
    JsonNode seq = find(quantizerGolden.get("sequences"), "max_axis0");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().axis(0).build());
    q.enableCalib();
    q.disableQuant();
    JsonNode loaded = null;
    for (JsonNode step : seq.get("steps")) {
      String op = step.get("op").asText();
      if (op.matches("forward\\(batch\\d\\)")) {
        INDArray x = GoldenTensors.decode(step.get("input"));
        assertSame(x, q.apply(x));
      } else if (op.equals("load_calib_amax()")) {
        q.loadCalibAmax();
        loaded = step.get("state");
      }
    }
    GoldenTensors.assertBitsEqual("amax", q.amax(), loaded.get("amax"));
    assertEquals(loaded.get("str").asText(), q.toString());
    assertTrue(q.calibrator() instanceof MaxCalibrator);
  }

  @Test
  void loadedAmaxDoesNotChangeOnFurtherCollect() {
    JsonNode seq = find(quantizerGolden.get("sequences"), "loaded_amax_aliases_max_calibrator");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    q.enableCalib();
    q.disableQuant();
    JsonNode first = seq.get("steps").get(0);
    q.apply(GoldenTensors.decode(first.get("input")));
    q.loadCalibAmax();
    GoldenTensors.assertBitsEqual("amax", q.amax(), first.get("amax"));
    q.apply(GoldenTensors.decode(seq.get("steps").get(1).get("input")));
    GoldenTensors.assertBitsEqual("amax stays as loaded", q.amax(), first.get("amax"));
  }

  @Test
  void loadCalibAmaxWithoutDataFailsStrictlyAndGivesNaNOtherwise() {
    JsonNode seq = find(quantizerGolden.get("sequences"), "load_calib_amax_without_data");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    IllegalStateException e = assertThrows(IllegalStateException.class, q::loadCalibAmax);
    assertTrue(e.getMessage().contains("no data"), e.getMessage());
    q.loadCalibAmax(false);
    JsonNode state = seq.get("steps").get(1).get("state");
    GoldenTensors.assertBitsEqual("amax", q.amax(), state.get("amax"));
    assertEquals(state.get("str").asText(), q.toString());
  }

  @Test
  void amaxSetterRejectsAShapeChange() {
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    q.setAmax(1.25f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> q.setAmax(Nd4j.createFromArray(1f, 2f)));
    assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    GoldenTensors.assertBitsEqual("amax", q.amax(), forwardCase("amax_setter").get("after").get("amax"));
  }

  @Test
  void enableClipWithoutLearnAmaxIsRejected() {
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    assertThrows(IllegalStateException.class, q::enableClip);
    assertFalse(q.isClipEnabled());
  }

  @Test
  void initLearnAmaxCopiesTheAmaxIntoTheClip() {
    JsonNode step = find(quantizerGolden.get("sequences"), "init_learn_amax").get("steps").get(0);
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().learnAmax(true).build());
    q.setAmax(3f);
    q.initLearnAmax();
    GoldenTensors.assertBitsEqual("clip_min", Nd4j.scalar(q.clip().clipValueMin()), step.get("clip_min"));
    GoldenTensors.assertBitsEqual("clip_max", Nd4j.scalar(q.clip().clipValueMax()), step.get("clip_max"));
    assertEquals(step.get("state").get("str").asText(), q.toString());
  }

  @Test
  void histogramCalibrationWithAnAxisIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new TensorQuantizer(
        QuantDescriptor.builder().calibMethod("histogram").axis(0).build()));
  }

  @Test
  void backwardPassesTheGradientWhereAbsXIsAtMostAmax() {
    JsonNode c = find(gradientsGolden.get("cases"), "fake_tensor_quant_full_range");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR);
    q.setAmax(GoldenTensors.decode(c.get("inputs").get("amax")));
    INDArray x = GoldenTensors.decode(c.get("inputs").get("x"));
    GoldenTensors.assertBitsEqual("output", q.apply(x), c.get("expected").get("output"));
    GoldenTensors.assertBitsEqual("grad_x",
        q.backward(GoldenTensors.decode(c.get("inputs").get("grad_output")), x), c.get("expected").get("grad_x"));
  }

  @Test
  void learnedAmaxBackwardAccumulatesClipBoundGradients() {
    JsonNode c = find(gradientsGolden.get("cases"), "learn_amax_nb4_amax1.5");
    TensorQuantizer q = new TensorQuantizer(
        QuantDescriptor.builder().numBits(4).learnAmax(true).amax(1.5f).build());
    assertEquals(c.get("str").asText(), q.toString());
    INDArray x = GoldenTensors.decode(c.get("inputs").get("x"));
    INDArray g = GoldenTensors.decode(c.get("inputs").get("grad_output"));
    JsonNode e = c.get("expected");
    GoldenTensors.assertBitsEqual("output", q.apply(x), e.get("output"));
    GoldenTensors.assertBitsEqual("grad_x", q.backward(g, x), e.get("grad_x"));
    GoldenTensors.assertBitsEqual("grad min", Nd4j.scalar(q.clip().gradClipValueMin()), e.get("grad_clip_value_min"));
    GoldenTensors.assertBitsEqual("grad max", Nd4j.scalar(q.clip().gradClipValueMax()), e.get("grad_clip_value_max"));
    q.backward(g, x);
    assertEquals(2 * e.get("grad_clip_value_max").get("data").get(0).asDouble(), q.clip().gradClipValueMax(), 1e-6);
    q.clip().zeroGrad();
    assertNull(q.clip().gradClipValueMin());
  }

  @Test
  void applyNeverModifiesItsInput() {
    INDArray x = Nd4j.createFromArray(new float[][] {{-2f, 0.3f}, {1.7f, 4f}});
    INDArray copy = x.dup();
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().axis(0).build());
    q.setPreQuantScale(Nd4j.createFromArray(2f, 0.5f));
    q.enableCalib();
    q.apply(x);
    q.backward(Nd4j.onesLike(x), x);
    assertSameBits(copy, x);
  }

  @Test
  void concurrentApplyGivesTheSequentialResults() throws Exception {
    Nd4j.getRandom().setSeed(36);
    TensorQuantizer perChannel = new TensorQuantizer(QuantDescriptor.builder().axis(0).build());
    TensorQuantizer fixed = new TensorQuantizer(QuantDescriptor.builder().numBits(4).build());
    fixed.setAmax(1.5f);
    List<INDArray> inputs = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      inputs.add(Nd4j.rand(DataType.FLOAT, 8, 33).subi(0.5).muli(i + 1));
    }
    List<INDArray> expected = new ArrayList<>();
    for (INDArray x : inputs) {
      expected.add(perChannel.apply(x));
      expected.add(fixed.apply(x));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<INDArray[]>> results = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (INDArray x : inputs) {
          results.add(pool.submit(() -> new INDArray[] {perChannel.apply(x), fixed.apply(x)}));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        INDArray[] r = results.get(i).get();
        int k = i % inputs.size();
        assertSameBits(expected.get(2 * k), r[0]);
        assertSameBits(expected.get(2 * k + 1), r[1]);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void applyIntoMatchesApplyAndMayOverwriteTheInput() {
    JsonNode c = forwardCase("axis0_dynamic");
    TensorQuantizer q = new TensorQuantizer(QuantDescriptor.builder().axis(0).build());
    INDArray x = input(c);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
    assertSame(out, q.applyInto(x, out));
    GoldenTensors.assertBitsEqual("into out", out, c.get("expected").get("output"));
    q.applyInto(x, x);
    GoldenTensors.assertBitsEqual("into x", x, c.get("expected").get("output"));
    q.setPreQuantScale(Nd4j.scalar(1f));
    INDArray y = input(c);
    q.applyInto(y, y);
    GoldenTensors.assertBitsEqual("through apply", y, c.get("expected").get("output"));
    assertThrows(IllegalArgumentException.class, () -> q.applyInto(x, Nd4j.create(DataType.FLOAT, 2, 2)));
  }

  @Test
  void maxBoundFollowsBitsAndSign() {
    assertEquals(127f, new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR).maxBound());
    assertEquals(255f, new TensorQuantizer(QuantDescriptor.QUANT_DESC_UNSIGNED_8BIT_PER_TENSOR).maxBound());
    assertArrayEquals(new float[] {1f},
        new TensorQuantizer(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR).scale().reshape(1).toFloatVector());
  }

  /**
   * Whether two arrays are the same exactly: shape, data type and every value's bits (any NaN equals any
   * NaN). {@code INDArray.equals} would let values differ by 1e-5.
   */
  private static boolean sameBits(INDArray a, INDArray b) {
    return a.dataType() == b.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
        && java.util.Arrays.equals(a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
            b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** Fails unless {@link #sameBits} holds, showing both arrays. */
  private static void assertSameBits(INDArray expected, INDArray actual) {
    assertTrue(sameBits(expected, actual), () -> "expected " + expected + " but was " + actual);
  }
}
