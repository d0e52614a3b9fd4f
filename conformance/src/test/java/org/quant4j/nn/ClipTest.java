package org.quant4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.conformance.GoldenTensors;
import org.quant4j.tensor.TorchFloatSum;

/** Clip against golden/gradients.json. */
class ClipTest {

  private static JsonNode cases;

  @BeforeAll
  static void load() throws IOException {
    cases = new ObjectMapper().readTree(new File(System.getProperty("quant4j.golden", "../golden"),
        "gradients.json")).get("cases");
  }

  private static JsonNode find(String id) {
    for (JsonNode c : cases) {
      if (id.equals(c.path("id").asText())) {
        return c;
      }
    }
    throw new AssertionError("no golden case " + id);
  }

  @Test
  void learnableClipKeepsNaNAndGivesPactGradientsSummedInTorchOrder() {
    JsonNode c = find("Clip_module_learn_both");
    Clip clip = new Clip(-0.5f, 1f, true, true);
    INDArray x = GoldenTensors.decode(c.get("inputs").get("x"));
    JsonNode e = c.get("expected");
    GoldenTensors.assertBitsEqual("output", clip.apply(x), e.get("output"));
    ClipGradients g = clip.backward(GoldenTensors.decode(c.get("inputs").get("grad_output")), x);
    GoldenTensors.assertBitsEqual("grad_x", g.input(), e.get("grad_x"));
    GoldenTensors.assertBitsEqual("grad min", Nd4j.scalar(clip.gradClipValueMin()), e.get("grad_clip_value_min"));
    GoldenTensors.assertBitsEqual("grad max", Nd4j.scalar(clip.gradClipValueMax()), e.get("grad_clip_value_max"));
    assertEquals("Clip()", clip.toString());
  }

  @Test
  void fixedClipAccumulatesNoBoundGradient() {
    JsonNode c = find("Clip_module_fixed");
    Clip clip = new Clip(-0.5f, 1f);
    INDArray x = GoldenTensors.decode(c.get("inputs").get("x"));
    ClipGradients g = clip.backward(GoldenTensors.decode(c.get("inputs").get("grad_output")), x);
    GoldenTensors.assertBitsEqual("grad_x", g.input(), c.get("expected").get("grad_x"));
    assertNull(clip.gradClipValueMin());
    assertNull(clip.gradClipValueMax());
  }

  @Test
  void functionalClipUsesTensorBounds() {
    JsonNode c = find("clip_fn_scalar_bounds");
    JsonNode in = c.get("inputs");
    float min = GoldenTensors.decode(in.get("min")).getFloat(0);
    float max = GoldenTensors.decode(in.get("max")).getFloat(0);
    INDArray x = GoldenTensors.decode(in.get("x"));
    GoldenTensors.assertBitsEqual("output", Clip.clip(x, min, max), c.get("expected").get("output"));
    ClipGradients g = Clip.clipBackward(GoldenTensors.decode(in.get("grad_output")), x, min, max);
    GoldenTensors.assertBitsEqual("grad_min", Nd4j.scalar(g.clipMin()), c.get("expected").get("grad_min"));
    GoldenTensors.assertBitsEqual("grad_max", Nd4j.scalar(g.clipMax()), c.get("expected").get("grad_max"));
  }

  @Test
  void torchOrderSumAddsTheTailBeforeTheLanes() {
    float[] v = new float[13];
    v[0] = 1e8f;
    v[8] = 1f;
    v[9] = -1e8f;
    // torch adds the tail [8, 13) first, whose ones vanish against -1e8, then lane 0: 0. A
    // left-to-right sum cancels the 1e8s first and keeps the three trailing ones: 3.
    v[10] = 1f;
    v[11] = 1f;
    v[12] = 1f;
    assertEquals(((1f - 1e8f + 1f + 1f + 1f) + 1e8f), TorchFloatSum.of(v));
  }
}
