package org.quant4j.conformance;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling3D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv3DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling3DConfig;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The float computations of torch's modules on ND4J arrays (NCW/NCHW/NCDHW, torch weight layouts),
 * through ND4J's convolution and pooling ops: what the quantized modules of the reference compute
 * after their quantizers. 1-D ops run as 2-D ops of height 1; explicit, circular and ceil-mode
 * padding are applied to the input first, so every op runs unpadded.
 */
final class TorchModuleOps {

  private TorchModuleOps() {}

  /** {@code F.linear}: {@code x @ w^T + b} over the last dim of x. */
  static INDArray linear(INDArray x, INDArray w, INDArray b) {
    long in = x.size(x.rank() - 1);
    INDArray y = x.reshape('c', -1, in).mmul(w.transpose());
    if (b != null) {
      y.addiRowVector(b);
    }
    long[] shape = x.shape().clone();
    shape[shape.length - 1] = w.size(0);
    return y.reshape('c', shape);
  }

  /** Lifts a 1-D (N, C, L) array to 2-D (N, C, 1, L), and 1-D parameters likewise. */
  private static INDArray lift(INDArray a) {
    long[] s = a.shape();
    return a.reshape('c', s[0], s[1], 1, s[2]);
  }

  private static int[] lift(int[] v, int fill) {
    return new int[] {fill, v[0]};
  }

  /** Pads the spatial dims: {@code before[i]} and {@code after[i]} elements with {@code value}, or circular. */
  static INDArray pad(INDArray x, int[] before, int[] after, double value, boolean circular) {
    INDArray y = x;
    for (int d = 0; d < before.length; d++) {
      int axis = 2 + d;
      long len = y.size(axis);
      List<INDArray> parts = new ArrayList<>();
      if (before[d] > 0) {
        parts.add(circular ? slice(y, axis, len - before[d], len) : filled(y, axis, before[d], value));
      }
      parts.add(y);
      if (after[d] > 0) {
        parts.add(circular ? slice(y, axis, 0, after[d]) : filled(y, axis, after[d], value));
      }
      if (parts.size() > 1) {
        y = Nd4j.concat(axis, parts.toArray(new INDArray[0]));
      }
    }
    return y;
  }

  private static INDArray slice(INDArray x, int axis, long from, long to) {
    INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
    }
    return x.get(idx).dup('c');
  }

  private static INDArray filled(INDArray x, int axis, long n, double value) {
    long[] shape = x.shape().clone();
    shape[axis] = n;
    return Nd4j.valueArrayOf(shape, value, x.dataType());
  }

  /**
   * The padding a torch module's {@code padding_mode} asks for, as these ops can give it: zeros for
   * every module, circular for convolutions. A transposed convolution pads only with zeros, as in the
   * reference (and in DL4J, whose deconvolution layers have no other padding).
   *
   * @param module the module class, e.g. {@code QuantConv2d}
   * @param paddingMode the {@code padding_mode} argument, {@code zeros} when absent
   * @return true for circular padding, false for zeros
   * @throws IllegalArgumentException for a padding mode the module cannot be mapped with
   */
  static boolean paddingMode(String module, String paddingMode) {
    if (paddingMode.equals("zeros")) {
      return false;
    }
    if (module.contains("ConvTranspose")) {
      throw new IllegalArgumentException("padding_mode of " + module + " must be \"zeros\" (a transposed"
          + " convolution pads only with zeros), got \"" + paddingMode + "\"");
    }
    if (module.contains("Conv") && paddingMode.equals("circular")) {
      return true;
    }
    throw new IllegalArgumentException("padding_mode of " + module + " must be \"zeros\""
        + (module.contains("Conv") ? " or \"circular\"" : "") + ", got \"" + paddingMode + "\"");
  }

  /**
   * {@code F.conv1d/2d/3d} with stride, padding, dilation and groups. Circular padding follows the
   * reference's quant conv modules, which pad {@code ((p + 1) / 2, p / 2)} per dim (torch's pre-1.5
   * expanded padding), not {@code (p, p)}.
   */
  static INDArray conv(INDArray x, INDArray w, INDArray b, int[] stride, int[] padding, int[] dilation,
      int groups, boolean circular) {
    int rank = x.rank() - 2;
    if (rank == 1) {
      INDArray y = conv(lift(x), lift(w), b, lift(stride, 1), lift(padding, 0), lift(dilation, 1), groups, circular);
      return y.reshape('c', y.size(0), y.size(1), y.size(3));
    }
    int[] before = padding.clone();
    int[] after = padding.clone();
    if (circular) {
      for (int i = 0; i < padding.length; i++) {
        before[i] = (padding[i] + 1) / 2;
        after[i] = padding[i] / 2;
      }
    }
    INDArray xp = pad(x, before, after, 0, circular);
    long inPerGroup = x.size(1) / groups;
    long outPerGroup = w.size(0) / groups;
    List<INDArray> outs = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      INDArray xg = slice(xp, 1, g * inPerGroup, (g + 1) * inPerGroup);
      INDArray wg = slice(w, 0, g * outPerGroup, (g + 1) * outPerGroup);
      INDArray bg = b == null ? null : b.get(NDArrayIndex.interval(g * outPerGroup, (g + 1) * outPerGroup)).dup();
      outs.add(rank == 2 ? conv2d(xg, wg, bg, stride, dilation) : conv3d(xg, wg, bg, stride, dilation));
    }
    return groups == 1 ? outs.get(0) : Nd4j.concat(1, outs.toArray(new INDArray[0]));
  }

  private static INDArray conv2d(INDArray x, INDArray w, INDArray b, int[] s, int[] d) {
    Conv2DConfig c = Conv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(s[0]).sW(s[1]).pH(0).pW(0)
        .dH(d[0]).dW(d[1]).paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.OIYX)
        .build();
    return b == null ? Nd4j.cnn().conv2d(x, w, c) : Nd4j.cnn().conv2d(x, w, b, c);
  }

  private static INDArray conv3d(INDArray x, INDArray w, INDArray b, int[] s, int[] d) {
    INDArray wk = w.permute(2, 3, 4, 1, 0).dup('c');
    Conv3DConfig c = Conv3DConfig.builder().kD(w.size(2)).kH(w.size(3)).kW(w.size(4)).sD(s[0]).sH(s[1]).sW(s[2])
        .pD(0).pH(0).pW(0).dD(d[0]).dH(d[1]).dW(d[2]).biasUsed(b != null).paddingMode(PaddingMode.VALID)
        .dataFormat("NCDHW").build();
    return b == null ? Nd4j.cnn().conv3d(x, wk, c) : Nd4j.cnn().conv3d(x, wk, b, c);
  }

  /**
   * {@code F.conv_transpose1d/2d/3d}: the full (unpadded) transposed convolution, then the output
   * cropped to {@code [padding, padding + size)} with {@code size = (in-1)*stride - 2*padding +
   * dilation*(k-1) + outputPadding + 1}; groups run separately.
   */
  static INDArray convTranspose(INDArray x, INDArray w, INDArray b, int[] stride, int[] padding,
      int[] outputPadding, int[] dilation, int groups) {
    int rank = x.rank() - 2;
    if (rank == 1) {
      INDArray y = convTranspose(lift(x), lift(w), b, lift(stride, 1), lift(padding, 0), lift(outputPadding, 0),
          lift(dilation, 1), groups);
      return y.reshape('c', y.size(0), y.size(1), y.size(3));
    }
    long inPerGroup = x.size(1) / groups;
    List<INDArray> outs = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      INDArray xg = slice(x, 1, g * inPerGroup, (g + 1) * inPerGroup);
      INDArray wg = slice(w, 0, g * inPerGroup, (g + 1) * inPerGroup);
      outs.add(rank == 2 ? deconv2d(xg, wg, stride, dilation) : deconv3d(xg, wg, stride, dilation));
    }
    INDArray full = groups == 1 ? outs.get(0) : Nd4j.concat(1, outs.toArray(new INDArray[0]));
    INDArray y = full;
    for (int d = 0; d < rank; d++) {
      long size = (x.size(2 + d) - 1) * stride[d] - 2L * padding[d] + (long) dilation[d] * (w.size(2 + d) - 1)
          + outputPadding[d] + 1;
      long have = y.size(2 + d);
      if (padding[d] + size > have) {
        y = pad(y, zeros(rank, d, 0), zeros(rank, d, (int) (padding[d] + size - have)), 0, false);
      }
      y = slice(y, 2 + d, padding[d], padding[d] + size);
    }
    if (b != null) {
      long[] bs = new long[y.rank()];
      java.util.Arrays.fill(bs, 1);
      bs[1] = b.length();
      y.addi(b.reshape(bs).broadcast(y.shape()));
    }
    return y;
  }

  private static int[] zeros(int rank, int at, int value) {
    int[] v = new int[rank];
    v[at] = value;
    return v;
  }

  private static INDArray deconv2d(INDArray x, INDArray w, int[] s, int[] d) {
    INDArray wk = w.permute(2, 3, 1, 0).dup('c');
    DeConv2DConfig c = DeConv2DConfig.builder().kH(w.size(2)).kW(w.size(3)).sH(s[0]).sW(s[1]).pH(0).pW(0)
        .dH(d[0]).dW(d[1]).isSameMode(false).dataFormat("NCHW").build();
    return Nd4j.cnn().deconv2d(x, wk, c);
  }

  private static INDArray deconv3d(INDArray x, INDArray w, int[] s, int[] d) {
    INDArray wk = w.permute(2, 3, 4, 1, 0).dup('c');
    DeConv3DConfig c = DeConv3DConfig.builder().kD(w.size(2)).kH(w.size(3)).kW(w.size(4)).sD(s[0]).sH(s[1])
        .sW(s[2]).pD(0).pH(0).pW(0).dD(d[0]).dH(d[1]).dW(d[2]).isSameMode(false).dataFormat("NCDHW").build();
    return Nd4j.cnn().deconv3d(x, wk, c);
  }

  /** Output length of a pooling window sweep, torch's rule (ceil mode drops a window starting in the right pad). */
  static int poolOut(long in, int k, int s, int p, int d, boolean ceil) {
    long span = in + 2L * p - (long) d * (k - 1) - 1;
    long out = (ceil ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
    if (ceil && (out - 1) * s >= in + p) {
      out--;
    }
    return (int) out;
  }

  /** Pads for an unpadded sweep of {@code out} windows; returns the padded input. */
  private static INDArray padForWindows(INDArray x, int[] k, int[] s, int[] p, int[] d, int[] out, double value) {
    int rank = k.length;
    int[] after = new int[rank];
    for (int i = 0; i < rank; i++) {
      long needed = (long) (out[i] - 1) * s[i] + (long) d[i] * (k[i] - 1) + 1;
      after[i] = (int) Math.max(0, needed - x.size(2 + i) - p[i]);
    }
    INDArray y = pad(x, p, after, value, false);
    for (int i = 0; i < rank; i++) {
      long needed = (long) (out[i] - 1) * s[i] + (long) d[i] * (k[i] - 1) + 1;
      if (y.size(2 + i) > needed) {
        y = slice(y, 2 + i, 0, needed);
      }
    }
    return y;
  }

  /** {@code F.max_pool1d/2d/3d} with padding (as -inf), dilation and ceil mode. */
  static INDArray maxPool(INDArray x, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
    int rank = k.length;
    if (rank == 1) {
      INDArray y = maxPool(lift(x), lift(k, 1), lift(s, 1), lift(p, 0), lift(d, 1), ceil);
      return y.reshape('c', y.size(0), y.size(1), y.size(3));
    }
    int[] out = new int[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = poolOut(x.size(2 + i), k[i], s[i], p[i], d[i], ceil);
    }
    INDArray xp = padForWindows(x, k, s, p, d, out, Double.NEGATIVE_INFINITY);
    if (rank == 2) {
      return Nd4j.cnn().maxPooling2d(xp, Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1])
          .pH(0).pW(0).dH(d[0]).dW(d[1]).type(Pooling2D.Pooling2DType.MAX).paddingMode(PaddingMode.VALID)
          .isNHWC(false).build());
    }
    return Nd4j.cnn().maxPooling3d(xp, Pooling3DConfig.builder().kD(k[0]).kH(k[1]).kW(k[2]).sD(s[0]).sH(s[1])
        .sW(s[2]).pD(0).pH(0).pW(0).dD(d[0]).dH(d[1]).dW(d[2]).type(Pooling3D.Pooling3DType.MAX)
        .isSameMode(false).isNCDHW(true).build());
  }

  /**
   * {@code F.avg_pool1d/2d/3d}: window sums over the zero-padded input (ND4J average pooling times
   * the window size), divided as torch divides: {@code divisor_override}, else the window clipped to
   * the padded input ({@code count_include_pad}) or to the input.
   */
  static INDArray avgPool(INDArray x, int[] k, int[] s, int[] p, boolean ceil, boolean countIncludePad,
      Integer divisorOverride) {
    int rank = k.length;
    if (rank == 1) {
      INDArray y = avgPool(lift(x), lift(k, 1), lift(s, 1), lift(p, 0), ceil, countIncludePad, divisorOverride);
      return y.reshape('c', y.size(0), y.size(1), y.size(3));
    }
    int[] ones = new int[rank];
    java.util.Arrays.fill(ones, 1);
    int[] out = new int[rank];
    long window = 1;
    for (int i = 0; i < rank; i++) {
      out[i] = poolOut(x.size(2 + i), k[i], s[i], p[i], 1, ceil);
      window *= k[i];
    }
    INDArray xp = padForWindows(x, k, s, p, ones, out, 0);
    INDArray avg = rank == 2
        ? Nd4j.cnn().avgPooling2d(xp, Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).pH(0).pW(0)
            .dH(1).dW(1).type(Pooling2D.Pooling2DType.AVG).divisor(Pooling2D.Divisor.INCLUDE_PADDING)
            .paddingMode(PaddingMode.VALID).isNHWC(false).build())
        : Nd4j.cnn().avgPooling3d(xp, Pooling3DConfig.builder().kD(k[0]).kH(k[1]).kW(k[2]).sD(s[0]).sH(s[1])
            .sW(s[2]).pD(0).pH(0).pW(0).dD(1).dH(1).dW(1).type(Pooling3D.Pooling3DType.AVG).isSameMode(false)
            .isNCDHW(true).build());
    INDArray sum = avg.muli(window);
    long[] divShape = new long[rank];
    for (int i = 0; i < rank; i++) {
      divShape[i] = out[i];
    }
    INDArray divisor = Nd4j.create(DataType.FLOAT, divShape);
    int total = 1;
    for (int o : out) {
      total *= o;
    }
    for (int flat = 0; flat < total; flat++) {
      long[] pos = new long[rank];
      int rest = flat;
      for (int i = rank - 1; i >= 0; i--) {
        pos[i] = rest % out[i];
        rest /= out[i];
      }
      double div = 1;
      for (int i = 0; i < rank; i++) {
        long start = pos[i] * s[i] - p[i];
        long end = Math.min(start + k[i], x.size(2 + i) + p[i]);
        long padded = end - start;
        long clipped = Math.min(end, x.size(2 + i)) - Math.max(start, 0);
        div *= countIncludePad ? padded : clipped;
      }
      divisor.putScalar(pos, divisorOverride != null ? divisorOverride : div);
    }
    long[] bshape = new long[rank + 2];
    bshape[0] = 1;
    bshape[1] = 1;
    for (int i = 0; i < rank; i++) {
      bshape[2 + i] = out[i];
    }
    return sum.divi(divisor.reshape('c', bshape).broadcast(sum.shape()));
  }

  /** {@code F.adaptive_avg_pool1d/2d/3d}: cell i averages {@code [floor(i*in/out), ceil((i+1)*in/out))}. */
  static INDArray adaptiveAvgPool(INDArray x, int[] outSize) {
    int rank = outSize.length;
    long[] shape = x.shape().clone();
    for (int i = 0; i < rank; i++) {
      shape[2 + i] = outSize[i];
    }
    INDArray y = Nd4j.create(x.dataType(), shape);
    int total = 1;
    for (int o : outSize) {
      total *= o;
    }
    int[] spatial = new int[rank];
    for (int i = 0; i < rank; i++) {
      spatial[i] = 2 + i;
    }
    for (int flat = 0; flat < total; flat++) {
      INDArrayIndex[] in = new INDArrayIndex[x.rank()];
      INDArrayIndex[] at = new INDArrayIndex[x.rank()];
      in[0] = at[0] = NDArrayIndex.all();
      in[1] = at[1] = NDArrayIndex.all();
      int rest = flat;
      for (int i = rank - 1; i >= 0; i--) {
        int o = rest % outSize[i];
        rest /= outSize[i];
        long len = x.size(2 + i);
        long start = Math.floorDiv(o * len, outSize[i]);
        long end = -Math.floorDiv(-(o + 1) * len, outSize[i]);
        in[2 + i] = NDArrayIndex.interval(start, end);
        at[2 + i] = NDArrayIndex.interval(o, o + 1);
      }
      INDArray cell = x.get(in).mean(true, spatial);
      y.get(at).assign(cell);
    }
    return y;
  }

  /** {@code F.instance_norm} without running stats: per (n, c) over the spatial dims, biased variance. */
  static INDArray instanceNorm(INDArray x, INDArray weight, INDArray bias, double eps) {
    int[] spatial = new int[x.rank() - 2];
    for (int i = 0; i < spatial.length; i++) {
      spatial[i] = 2 + i;
    }
    INDArray mean = x.mean(true, spatial);
    INDArray var = x.var(false, spatial);
    long[] keep = mean.shape();
    INDArray std = Transforms.sqrt(var.reshape(keep).addi(eps), false);
    INDArray y = x.sub(mean.broadcast(x.shape())).divi(std.broadcast(x.shape()));
    if (weight != null) {
      long[] cs = new long[x.rank()];
      java.util.Arrays.fill(cs, 1);
      cs[1] = weight.length();
      y.muli(weight.reshape(cs).broadcast(x.shape())).addi(bias.reshape(cs).broadcast(x.shape()));
    }
    return y;
  }
}
