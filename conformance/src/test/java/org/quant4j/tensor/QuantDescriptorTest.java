package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quant4j.conformance.GoldenTensors;

/** QuantDescriptor against golden/tensor_quantizer.json (quant_desc_constants, quant_descriptors). */
class QuantDescriptorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode golden;

  @BeforeAll
  static void load() throws IOException {
    golden = JSON.readTree(new File(System.getProperty("quant4j.golden", "../golden"),
        "tensor_quantizer.json"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode node) {
    return JSON.convertValue(node, Map.class);
  }

  private static QuantDescriptor constant(String name) throws ReflectiveOperationException {
    return (QuantDescriptor) QuantDescriptor.class.getField(name).get(null);
  }

  @Test
  void constantsPrintAndSerialiseAsTheReference() throws ReflectiveOperationException {
    Iterator<Map.Entry<String, JsonNode>> it = golden.get("quant_desc_constants").fields();
    int n = 0;
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      QuantDescriptor d = constant(e.getKey());
      assertEquals(e.getValue().get("str").asText(), d.toString(), e.getKey());
      assertEquals(map(e.getValue().get("dict")), d.toMap(), e.getKey());
      assertFalse(d.narrowRange(), e.getKey());
      assertEquals(8, d.numBits());
      n++;
    }
    assertEquals(9, n);
  }

  @Test
  void convTransposeConstantsQuantizeAxisOneAndTheOthersAxisZero() {
    assertArrayEquals(new int[] {1},
        QuantDescriptor.QUANT_DESC_8BIT_CONVTRANSPOSE2D_WEIGHT_PER_CHANNEL.axis());
    assertArrayEquals(new int[] {0}, QuantDescriptor.QUANT_DESC_8BIT_CONV2D_WEIGHT_PER_CHANNEL.axis());
    assertTrue(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR.isPerTensor());
  }

  @Test
  void goldenDescriptorsHaveTheReferenceFieldsStrDictAndYaml() {
    int checked = 0;
    for (JsonNode c : golden.get("quant_descriptors")) {
      String id = c.get("id").asText();
      Map<String, Object> kwargs = map(c.get("kwargs"));
      if (c.has("error")) {
        assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.fromMap(kwargs), id);
        continue;
      }
      QuantDescriptor d = QuantDescriptor.fromMap(kwargs);
      JsonNode f = c.get("fields");
      if (f.get("num_bits").isArray()) {
        assertEquals(QuantFormat.E4M3, d.format(), id);
        assertEquals("(4, 3)", d.bitsText(), id);
      } else {
        assertEquals(f.get("num_bits").asInt(), d.numBits(), id);
      }
      assertEquals(f.get("fake_quant").asBoolean(), d.fakeQuant(), id);
      assertEquals(f.get("learn_amax").asBoolean(), d.learnAmax(), id);
      assertEquals(f.get("unsigned").asBoolean(), d.unsigned(), id);
      assertEquals(f.get("narrow_range").asBoolean(), d.narrowRange(), id);
      assertEquals(f.get("calib_method").asText(), d.calibMethod(), id);
      assertEquals(f.get("axis_is_tuple").asBoolean(), d.axisIsTuple(), id);
      if (f.get("amax").isNull()) {
        assertNull(d.amax(), id);
      } else {
        assertArrayEquals(GoldenTensors.decodeFloats(f.get("amax")), d.amax(), id);
        assertArrayEquals(GoldenTensors.shape(f.get("amax")), d.amaxShape(), id);
      }
      assertEquals(c.get("str").asText(), d.toString(), id);
      assertEquals(map(c.get("dict")), d.toMap(), id);
      if (c.has("to_yaml")) {
        assertEquals(c.get("to_yaml").asText(), d.toYaml(), id);
      }
      JsonNode roundTrip = c.get("yaml_roundtrip_equal");
      boolean javaRoundTrip = QuantDescriptor.fromYaml(d.toYaml()).equals(d);
      if (roundTrip.isBoolean()) {
        assertEquals(roundTrip.asBoolean(), javaRoundTrip, id);
      } else {
        assertTrue(javaRoundTrip, id + ": an int axis or an array amax round-trips in Java");
      }
      checked++;
    }
    assertEquals(13, checked);
  }

  @Test
  void builderMatchesTheReadmeExample() {
    QuantDescriptor d =
        QuantDescriptor.builder().numBits(4).fakeQuant(false).axis(0).unsigned(true).build();
    assertEquals("QuantDescriptor(unsigned 4bit real axis=0)", d.toString());
    assertEquals(new QuantGrid(4, true, false), d.grid());
    assertEquals(d, d.toBuilder().build());
    assertNotEquals(d, d.toBuilder().axisTuple(0).build());
    assertEquals("QuantDescriptor(unsigned 4bit real axis=(0,))", d.toBuilder().axisTuple(0).build().toString());
  }

  @Test
  void learnAmaxWithAnAxisIsRejectedNamingTheAxis() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantDescriptor.builder().learnAmax(true).axis(0).build());
    assertTrue(e.getMessage().contains("axis=0"), e.getMessage());
  }

  @Test
  void unknownCalibMethodAndOutOfRangeBitsAreRejectedNamingTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QuantDescriptor.builder().calibMethod("entropy").build());
    assertTrue(e.getMessage().contains("calibMethod") && e.getMessage().contains("entropy"));
    e = assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(17).build());
    assertTrue(e.getMessage().contains("numBits") && e.getMessage().contains("17"));
    assertThrows(IllegalArgumentException.class, () -> QuantDescriptor.builder().numBits(-1).build());
  }

  @Test
  void accessorsReturnCopies() {
    QuantDescriptor d = QuantDescriptor.builder().axis(0, 2).amax(1f, 2f).build();
    d.axis()[0] = 5;
    d.amax()[0] = 9f;
    assertArrayEquals(new int[] {0, 2}, d.axis());
    assertArrayEquals(new float[] {1f, 2f}, d.amax());
  }

  @Test
  void amaxPrintsAsNumpyIncludingScientificAndPadding() {
    assertEquals("QuantDescriptor(8bit fake axis= per-tensor amax=[1.e-05 1.e+00] full_range)",
        QuantDescriptor.builder().amax(1e-5f, 1f).build().toString());
    assertEquals("QuantDescriptor(8bit fake axis= per-tensor amax=[0.5  1.25] full_range)",
        QuantDescriptor.builder().amax(0.5f, 1.25f).build().toString());
    assertEquals("QuantDescriptor(8bit fake axis= per-tensor amax=0.1 full_range)",
        QuantDescriptor.builder().amax(0.1f).build().toString());
  }
}
