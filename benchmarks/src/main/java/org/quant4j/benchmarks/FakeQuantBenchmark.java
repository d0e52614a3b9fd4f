package org.quant4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.quant4j.tensor.KernelPath;
import org.quant4j.tensor.internal.FloatLanes;
import org.quant4j.tensor.internal.HostKernels;
import org.quant4j.tensor.TensorQuant;

/**
 * Fake quantization of 16M float32 ({@code [256, 65536]}, the reference's timing tensor) against a copy
 * of the same bytes in the same run: {@code System.arraycopy} between two {@code float[]}, and
 * {@code assign} between two INDArrays. Per tensor through the allocation-free
 * {@code fakeTensorQuantInto} and the allocating {@code fakeTensorQuant} (against {@code x.dup()}), and
 * per channel along axis 0 ({@code amax [256, 1]}) and the last axis ({@code amax [65536]}); and FP8
 * E4M3 per tensor ({@code fakeTensorQuantE4M3Into}).
 *
 * <p>The {@code path} parameter selects the kernel ({@link KernelPath}); the reference's figures are
 * in {@code golden/timings.json} (fake quant per tensor: 110 ms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class FakeQuantBenchmark {

  private static final int ROWS = 256;
  private static final int COLS = 65536;
  private static final int N = ROWS * COLS;

  /** The kernel path under test. */
  @Param({"VECTOR"})
  public String path;

  /**
   * The host kernels: {@code vector} (the Vector API, as with {@code --add-modules=jdk.incubator.vector}) or
   * {@code scalar} (what a plain JVM without the module runs: scalar kernels over array windows). Each value runs
   * in its own fork, so the properties are set before the kernels are first chosen.
   */
  @Param({"vector", "scalar"})
  public String kernels;

  private float[] src;
  private float[] dst;
  private INDArray x;
  private INDArray out;
  private INDArray amax;
  private INDArray amaxAxis0;
  private INDArray amaxLastAxis;
  private KernelPath previous;

  /** Fills the inputs with uniform values in [-1, 1) and computes their amax. */
  @Setup(Level.Trial)
  public void setUp() {
    System.setProperty(HostKernels.PROPERTY, kernels);
    if (kernels.equals("scalar")) {
      System.setProperty(FloatLanes.PROPERTY, "array");
    }
    previous = KernelPath.select(KernelPath.valueOf(path));
    Nd4j.getRandom().setSeed(12345);
    x = Nd4j.rand(DataType.FLOAT, ROWS, COLS).muli(2).subi(1);
    out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {ROWS, COLS}, 'c');
    src = x.data().asFloat();
    dst = new float[N];
    amax = TensorQuant.reduceAmax(x, null, true);
    amaxAxis0 = TensorQuant.reduceAmax(x, new int[] {1}, true);
    amaxLastAxis = TensorQuant.reduceAmax(x, new int[] {0}, false);
  }

  /** Restores the kernel path. */
  @TearDown(Level.Trial)
  public void tearDown() {
    KernelPath.select(previous);
  }

  /** The anchor: copy 64 MiB between two Java arrays. */
  @Benchmark
  public float[] copyArraycopy() {
    System.arraycopy(src, 0, dst, 0, N);
    return dst;
  }

  /** Copy of the same bytes between two INDArrays. */
  @Benchmark
  public INDArray copyAssign() {
    return out.assign(x);
  }

  /**
   * Allocating copy, the anchor of the allocating fake quant. The result is closed (its native memory
   * freed) at once, as a workspace would, so that JavaCPP's native-memory limit never forces a GC.
   */
  @Benchmark
  public void copyDup(Blackhole bh) {
    INDArray r = x.dup();
    bh.consume(r);
    r.close();
  }

  /** Fake quant per tensor into a preallocated array (no allocation). */
  @Benchmark
  public INDArray fakeQuantPerTensorInto() {
    return TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
  }

  /** Fake quant per tensor, allocating the result (closed at once, as {@link #copyDup}). */
  @Benchmark
  public void fakeQuantPerTensorAllocating(Blackhole bh) {
    INDArray r = TensorQuant.fakeTensorQuant(x, amax);
    bh.consume(r);
    r.close();
  }

  /** FP8 E4M3 fake quant per tensor (scale 448/amax) into a preallocated array (no allocation). */
  @Benchmark
  public INDArray fakeQuantE4M3PerTensorInto() {
    return TensorQuant.fakeTensorQuantE4M3Into(x, amax, out);
  }

  /** Fake quant per channel along axis 0 (amax [256, 1]) into a preallocated array. */
  @Benchmark
  public INDArray fakeQuantPerChannelAxis0Into() {
    return TensorQuant.fakeTensorQuantInto(x, amaxAxis0, 8, false, true, out);
  }

  /** Real quantization per tensor (integers and scale), allocating the result (closed at once). */
  @Benchmark
  public void tensorQuantPerTensorAllocating(Blackhole bh) {
    INDArray r = TensorQuant.tensorQuant(x, amax).values();
    bh.consume(r);
    r.close();
  }

  /** {@code max(|x|)} over everything, the dynamic per-tensor amax (reference: 34.5 ms). */
  @Benchmark
  public INDArray reduceAmaxPerTensor() {
    return TensorQuant.reduceAmax(x, null, true);
  }

  /** Fake quant per channel along the last axis (amax [65536]) into a preallocated array. */
  @Benchmark
  public INDArray fakeQuantPerChannelLastAxisInto() {
    return TensorQuant.fakeTensorQuantInto(x, amaxLastAxis, 8, false, true, out);
  }
}
