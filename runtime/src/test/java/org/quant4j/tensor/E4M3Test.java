package org.quant4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class E4M3Test {

  /** Every finite E4M3 magnitude, ascending, by brute force over the bit patterns. */
  private static float[] finiteMagnitudes() {
    float[] v = new float[127];
    for (int b = 0; b < 127; b++) {
      v[b] = E4M3.decode(b);
    }
    return v;
  }

  /** A slow, obviously correct rounding: nearest finite grid point, ties to the even pattern. */
  private static float slowRound(float x) {
    if (Float.isNaN(x)) {
      return Float.NaN;
    }
    double a = Math.min(Math.abs((double) x), E4M3.MAX);
    float[] grid = finiteMagnitudes();
    int best = 0;
    for (int b = 1; b < grid.length; b++) {
      double d = Math.abs(grid[b] - a);
      double bestD = Math.abs(grid[best] - a);
      if (d < bestD || (d == bestD && (b & 1) == 0)) {
        best = b;
      }
    }
    return (float) Math.copySign(grid[best], x);
  }

  @Test
  void everyBitPatternDecodesToItsValue() {
    for (int b = 0; b < 256; b++) {
      int e = (b >>> 3) & 0xf;
      int m = b & 7;
      double expected = e == 0 ? m / 8.0 * Math.pow(2, -6) : (1 + m / 8.0) * Math.pow(2, e - 7);
      if ((b & 0x80) != 0) {
        expected = -expected;
      }
      float got = E4M3.decode(b);
      if ((b & 0x7f) == 0x7f) {
        assertTrue(Float.isNaN(got), "pattern " + b);
      } else {
        assertEquals((float) expected, got, "pattern " + Integer.toHexString(b));
      }
    }
    assertEquals(448f, E4M3.decode(0x7e));
    assertEquals(0x1p-9f, E4M3.decode(0x01));
  }

  @Test
  void everyFiniteValueIsAFixedPointAndEncodesToItsPattern() {
    for (int b = 0; b < 256; b++) {
      if ((b & 0x7f) == 0x7f) {
        continue;
      }
      float v = E4M3.decode(b);
      assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(E4M3.round(v)), "pattern " + b);
      assertEquals(b, E4M3.encode(v), "pattern " + Integer.toHexString(b));
    }
  }

  @Test
  void valuesBetweenGridPointsRoundToTheNearerTiesToEven() {
    float[] grid = finiteMagnitudes();
    for (int b = 0; b + 1 < grid.length; b++) {
      float lo = grid[b];
      float hi = grid[b + 1];
      float mid = (lo + hi) / 2f;
      float even = (b & 1) == 0 ? lo : hi;
      assertEquals(even, E4M3.round(mid), "tie between " + lo + " and " + hi);
      assertEquals(-even, E4M3.round(-mid), "negative tie between " + lo + " and " + hi);
      assertEquals(lo, E4M3.round(Math.nextDown(mid)), "just below the tie " + mid);
      assertEquals(hi, E4M3.round(Math.nextUp(mid)), "just above the tie " + mid);
      for (int k = 1; k < 8; k++) {
        float x = lo + (hi - lo) * k / 8f;
        assertEquals(slowRound(x), E4M3.round(x), "x=" + x);
      }
    }
  }

  @Test
  void saturatesAtMaxAndKeepsNaN() {
    assertEquals(448f, E4M3.round(464f));
    assertEquals(448f, E4M3.round(1e30f));
    assertEquals(448f, E4M3.round(Float.POSITIVE_INFINITY));
    assertEquals(-448f, E4M3.round(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(E4M3.round(Float.NaN)));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(E4M3.round(-0f)));
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(E4M3.round(-0x1p-11f)));
  }

  @Test
  void randomValuesMatchTheSlowReference() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      float x = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(-12, 10)));
      assertEquals(slowRound(x), E4M3.round(x), "x=" + x);
    }
    float[] sorted = finiteMagnitudes().clone();
    Arrays.sort(sorted);
    assertEquals(448f, sorted[sorted.length - 1]);
  }
}
