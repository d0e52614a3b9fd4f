package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GoldenTensorsTest {

  private static JsonNode parse(String s) throws Exception {
    return new ObjectMapper().readTree(s);
  }

  @Test
  void decodesFloat32FromBitsIncludingNonFiniteAndNegativeZero() throws Exception {
    JsonNode t = parse("{\"dtype\":\"float32\",\"shape\":[2,3],"
        + "\"data\":[0.5,-1.25,\"NaN\",\"Infinity\",\"-Infinity\",-0.0],"
        + "\"bits\":[\"3f000000\",\"bfa00000\",\"7fc00000\",\"7f800000\",\"ff800000\",\"80000000\"]}");
    INDArray a = GoldenTensors.decode(t);
    assertEquals(DataType.FLOAT, a.dataType());
    assertArrayEquals(new long[] {2, 3}, a.shape());
    assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(a.getFloat(1, 2)));
    GoldenTensors.assertBitsEqual("self", a, t);
  }

  @Test
  void decodesHalfBitsExactly() throws Exception {
    JsonNode t = parse("{\"dtype\":\"float16\",\"shape\":[3],\"bits\":[\"3c00\",\"0001\",\"7bff\"]}");
    INDArray a = GoldenTensors.decode(t);
    assertEquals(DataType.HALF, a.dataType());
    assertEquals(0x1p-24f, a.getFloat(1));
    assertEquals(65504f, a.getFloat(2));
  }

  @Test
  void decodesScalarShape() throws Exception {
    INDArray a = GoldenTensors.decode(parse("{\"dtype\":\"float32\",\"shape\":[],\"bits\":[\"40000000\"]}"));
    assertEquals(0, a.rank());
    assertEquals(2f, a.getFloat(0));
  }

  @Test
  void bitwiseComparisonDistinguishesSignedZero() throws Exception {
    JsonNode t = parse("{\"dtype\":\"float32\",\"shape\":[1],\"bits\":[\"80000000\"]}");
    INDArray positiveZero = GoldenTensors.decode(parse("{\"dtype\":\"float32\",\"shape\":[1],\"bits\":[\"00000000\"]}"));
    assertThrows(AssertionError.class, () -> GoldenTensors.assertBitsEqual("zero", positiveZero, t));
  }

  @Test
  void unknownDtypeIsRejectedByName() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GoldenTensors.decode(parse("{\"dtype\":\"complex64\",\"shape\":[1],\"data\":[1]}")));
    assertEquals(true, e.getMessage().contains("complex64"));
  }
}
