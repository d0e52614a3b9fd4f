package org.quant4j.internal.text;

import java.util.ArrayList;
import java.util.List;

/**
 * torch 1.13's {@code str()} of a float32 tensor with default print options (precision 4, line width
 * 80, summary above 1000 elements with 3 edge items): {@code tensor([[25.0209],\n        [ 7.2269]])}.
 * The reference prints a real quantizer's per-channel scale this way.
 */
public final class TorchTensorFormat {

  private static final int PRECISION = 4;
  private static final int LINE_WIDTH = 80;
  private static final int THRESHOLD = 1000;
  private static final int EDGE_ITEMS = 3;
  private static final String PREFIX = "tensor(";

  private TorchTensorFormat() {}

  /**
   * {@code str(tensor)} of a float32 tensor that needs no grad.
   *
   * @param values the elements in C order
   * @param shape the shape; empty for a 0-dim tensor
   * @return torch's text
   */
  public static String str(float[] values, long[] shape) {
    int[] dims = new int[shape.length];
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      dims[i] = (int) shape[i];
      n *= shape[i];
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "shape " + java.util.Arrays.toString(shape) + " does not hold " + values.length + " values");
    }
    if (values.length == 0) {
      return PREFIX + "[])";
    }
    boolean summarize = values.length > THRESHOLD;
    List<Float> shown = new ArrayList<>();
    collect(values, dims, 0, 0, summarize, shown);
    Formatter f = new Formatter(shown);
    return PREFIX + tensorStr(values, dims, 0, 0, PREFIX.length(), summarize, f) + ")";
  }

  private static int stride(int[] dims, int axis) {
    int s = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      s *= dims[i];
    }
    return s;
  }

  private static void collect(float[] v, int[] dims, int axis, int off, boolean summarize, List<Float> out) {
    if (axis == dims.length) {
      out.add(v[off]);
      return;
    }
    int len = dims[axis];
    int stride = stride(dims, axis);
    for (int i = 0; i < len; i++) {
      if (summarize && len > 2 * EDGE_ITEMS && i >= EDGE_ITEMS && i < len - EDGE_ITEMS) {
        continue;
      }
      collect(v, dims, axis + 1, off + i * stride, summarize, out);
    }
  }

  private static String tensorStr(
      float[] v, int[] dims, int axis, int off, int indent, boolean summarize, Formatter f) {
    int dim = dims.length - axis;
    if (dim == 0) {
      return f.format(v[off]);
    }
    int len = dims[axis];
    int stride = stride(dims, axis);
    boolean cut = summarize && len > 2 * EDGE_ITEMS;
    if (dim == 1) {
      int elementLength = f.width() + 2;
      int perLine = Math.max(1, (int) Math.floor((LINE_WIDTH - indent) / (double) elementLength));
      List<String> data = new ArrayList<>();
      for (int i = 0; i < len; i++) {
        if (cut && i == EDGE_ITEMS) {
          data.add(" ...");
        }
        if (cut && i >= EDGE_ITEMS && i < len - EDGE_ITEMS) {
          continue;
        }
        data.add(f.format(v[off + i * stride]));
      }
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < data.size(); i += perLine) {
        lines.add(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
      }
      return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }
    List<String> slices = new ArrayList<>();
    for (int i = 0; i < len; i++) {
      if (cut && i == EDGE_ITEMS) {
        slices.add("...");
      }
      if (cut && i >= EDGE_ITEMS && i < len - EDGE_ITEMS) {
        continue;
      }
      slices.add(tensorStr(v, dims, axis + 1, off + i * stride, indent + 1, summarize, f));
    }
    return "[" + String.join("," + "\n".repeat(dim - 1) + " ".repeat(indent + 1), slices) + "]";
  }

  /** torch's {@code _Formatter} for a floating tensor. */
  private static final class Formatter {
    private boolean intMode = true;
    private boolean sciMode;
    private int maxWidth = 1;

    Formatter(List<Float> shown) {
      List<Float> nonzeroFinite = new ArrayList<>();
      for (float x : shown) {
        if (!Float.isNaN(x) && !Float.isInfinite(x) && x != 0f) {
          nonzeroFinite.add(x);
        }
      }
      if (nonzeroFinite.isEmpty()) {
        return;
      }
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      for (float x : nonzeroFinite) {
        min = Math.min(min, Math.abs((double) x));
        max = Math.max(max, Math.abs((double) x));
        if (x != (float) Math.ceil(x)) {
          intMode = false;
        }
      }
      if (intMode) {
        sciMode = max / min > 1000. || max > 1.e8;
        for (float x : nonzeroFinite) {
          maxWidth = Math.max(maxWidth, sciMode
              ? PythonFloats.scientificFixed(x, PRECISION).length()
              : PythonFloats.fixed(x, 0).length() + 1);
        }
      } else {
        sciMode = max / min > 1000. || max > 1.e8 || min < 1.e-4;
        for (float x : nonzeroFinite) {
          maxWidth = Math.max(maxWidth, (sciMode
              ? PythonFloats.scientificFixed(x, PRECISION)
              : PythonFloats.fixed(x, PRECISION)).length());
        }
      }
    }

    int width() {
      return maxWidth;
    }

    String format(float x) {
      String ret;
      if (sciMode) {
        ret = PythonFloats.scientificFixed(x, PRECISION);
      } else if (intMode) {
        ret = PythonFloats.fixed(x, 0);
        if (!Float.isNaN(x) && !Float.isInfinite(x)) {
          ret += ".";
        }
      } else {
        ret = PythonFloats.fixed(x, PRECISION);
      }
      return " ".repeat(Math.max(0, maxWidth - ret.length())) + ret;
    }
  }
}
