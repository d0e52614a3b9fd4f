package org.quant4j.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Python, numpy and torch renderings on values the reference prints. */
class TextFormatsTest {

  @Test
  void pythonReprIsShortestWithExponentOutsideTheUsualRange() {
    assertEquals("32.311485290527344", PythonFloats.repr(32.311485290527344f));
    assertEquals("0.5", PythonFloats.repr(0.5));
    assertEquals("2.0", PythonFloats.repr(2.0));
    assertEquals("1e-05", PythonFloats.repr(1e-5));
    assertEquals("0.0001", PythonFloats.repr(1e-4));
    assertEquals("1e+16", PythonFloats.repr(1e16));
    assertEquals("-0.0", PythonFloats.repr(-0.0));
    assertEquals("nan", PythonFloats.repr(Double.NaN));
  }

  @Test
  void pythonFixedRoundsTheExactValueHalfToEven() {
    assertEquals("4.6280", PythonFloats.fixed(4.6280035972595215, 4));
    assertEquals("0.1250", PythonFloats.fixed(0.125, 4));
    assertEquals("0.12", PythonFloats.fixed(0.125, 2));
    assertEquals("inf", PythonFloats.fixed(Double.POSITIVE_INFINITY, 4));
  }

  @Test
  void numpyArraysPadToACommonWidthAndWrapAtSeventyFive() {
    assertEquals("[1. 2. 3.]", NumpyFloat32Format.array(new float[] {1, 2, 3}, new long[] {3}));
    assertEquals("[[1.]\n [2.]]", NumpyFloat32Format.array(new float[] {1, 2}, new long[] {2, 1}));
    assertEquals("[ 1. nan]", NumpyFloat32Format.array(new float[] {1, Float.NaN}, new long[] {2}));
    float[] many = new float[20];
    for (int i = 0; i < many.length; i++) {
      many[i] = i + 0.5f;
    }
    assertEquals("[ 0.5  1.5  2.5  3.5  4.5  5.5  6.5  7.5  8.5  9.5 10.5 11.5 12.5 13.5\n"
        + " 14.5 15.5 16.5 17.5 18.5 19.5]", NumpyFloat32Format.array(many, new long[] {20}));
    assertEquals("3.0", NumpyFloat32Format.scalar(3f));
    // Scientific arrays print the exact digits up to the widest element's precision (min_digits).
    assertEquals("[9.0753048e-07 2.9869614e-06]",
        NumpyFloat32Format.array(new float[] {9.0753048e-07f, 2.9869614e-06f}, new long[] {2}));
  }

  @Test
  void torchTensorsUseFourDecimalsOrScientificForWideRanges() {
    assertEquals("tensor([[3.8163, 4.8647]])",
        TorchTensorFormat.str(new float[] {3.816317319869995f, 4.864687442779541f}, new long[] {1, 2}));
    assertEquals("tensor([1.0000e-05, 1.0000e+00])",
        TorchTensorFormat.str(new float[] {1e-5f, 1f}, new long[] {2}));
    assertEquals("tensor([ 1., 20.])", TorchTensorFormat.str(new float[] {1f, 20f}, new long[] {2}));
  }

  @Test
  void pyYamlDumpsSortedBlockStyle() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("num_bits", 8);
    m.put("name", null);
    m.put("amax", java.util.List.of(java.util.List.of(1.0), java.util.List.of(2.0)));
    assertEquals("amax:\n- - 1.0\n- - 2.0\nname: null\nnum_bits: 8\n", PyYaml.dump(m));
  }
}
