package org.quant4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.cli.conformance.ConformanceRunner;
import org.quant4j.cli.conformance.ConformanceSummary;
import org.quant4j.cli.conformance.SeedExampleReplayer;
import org.quant4j.cli.conformance.TensorQuantReplayer;
import org.quant4j.tensor.ComputeBackend;
import org.quant4j.tensor.KernelPath;
import org.quant4j.tensor.TensorQuant;

/**
 * The GPU check ({@code benchmarks/gpu-check.sh}): on whatever ND4J backend runs (CUDA with
 * {@code -Pcuda} on a GPU machine, the CPU otherwise), replays the tensor_quant and seed_example
 * golden files through each kernel path, and times fake quantization of a large float32 tensor
 * against a copy of the same bytes in the same memory (a device-to-device copy on the GPU). Prints one
 * table.
 *
 * <p>Arguments: {@code --elements N} (default 268435456, 256M floats = 1 GiB), {@code --reps R}
 * (default 7, the median is reported), {@code --golden DIR} (default: the {@code quant4j.golden}
 * property, else {@code ../shared/golden}).
 */
public final class GpuCheck {

  private GpuCheck() {}

  /**
   * Runs the check.
   *
   * @param args see the class comment
   * @throws Exception if the golden directory cannot be read
   */
  public static void main(String[] args) throws Exception {
    long elements = 1L << 28;
    int reps = 7;
    Path golden = Path.of(System.getProperty("quant4j.golden", "../shared/golden"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--elements" -> elements = Long.parseLong(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--golden" -> golden = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "arguments must be --elements N, --reps R or --golden DIR, got " + args[i]);
      }
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ND4J backend", ComputeBackend.name()
        + (ComputeBackend.isHostMemory() ? " (host memory)" : " (device memory)")});
    for (KernelPath path : KernelPath.values()) {
      rows.add(new String[] {"golden tensor_quant + seed_example, path " + path, replay(golden, path)});
    }
    Throughput t = throughput(elements, reps);
    rows.add(new String[] {"copy of " + elements + " float32 (out.assign(x))", t.copy()});
    rows.add(new String[] {"fake quant per tensor (fakeTensorQuantInto)", t.fake()});
    rows.add(new String[] {"fake quant / copy bandwidth", String.format(Locale.ROOT, "%.2f x", t.ratio())});
    print(rows);
  }

  private static String replay(Path golden, KernelPath path) {
    List<Path> files = List.of(golden.resolve("tensor_quant.json"), golden.resolve("seed_example.json"));
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        return "golden file missing: " + f;
      }
    }
    KernelPath previous = KernelPath.select(path);
    try {
      ConformanceRunner runner = new ConformanceRunner(List.of(new TensorQuantReplayer(), new SeedExampleReplayer()));
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      ConformanceSummary s = runner.run(files, new PrintStream(sink, true, StandardCharsets.UTF_8));
      return s.passed() + " passed, " + s.failed() + " failed, " + s.deviations() + " deviations";
    } finally {
      KernelPath.select(previous);
    }
  }

  private record Throughput(double copyMs, double fakeMs, long bytes) {
    String copy() {
      return String.format(Locale.ROOT, "%.2f ms, %.1f GB/s", copyMs, 2 * bytes / copyMs / 1e6);
    }

    String fake() {
      return String.format(Locale.ROOT, "%.2f ms, %.1f GB/s", fakeMs, 2 * bytes / fakeMs / 1e6);
    }

    double ratio() {
      return copyMs / fakeMs;
    }
  }

  private static Throughput throughput(long elements, int reps) {
    Nd4j.getRandom().setSeed(12345);
    INDArray x = Nd4j.rand(DataType.FLOAT, elements).muli(2).subi(1);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, new long[] {elements}, 'c');
    INDArray amax = TensorQuant.reduceAmax(x, null, true);
    double[] copy = new double[reps];
    double[] fake = new double[reps];
    // Warm up (JIT, device caches) for at least 3 rounds and 2 seconds, at most 50 rounds.
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    for (int i = 0; i < 50 && (i < 3 || System.nanoTime() < warmEnd); i++) {
      out.assign(x);
      TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
      Nd4j.getExecutioner().commit();
    }
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      out.assign(x);
      Nd4j.getExecutioner().commit();
      long t1 = System.nanoTime();
      TensorQuant.fakeTensorQuantInto(x, amax, 8, false, true, out);
      Nd4j.getExecutioner().commit();
      long t2 = System.nanoTime();
      copy[i] = (t1 - t0) / 1e6;
      fake[i] = (t2 - t1) / 1e6;
    }
    Arrays.sort(copy);
    Arrays.sort(fake);
    return new Throughput(copy[reps / 2], fake[reps / 2], elements * Float.BYTES);
  }

  private static void print(List<String[]> rows) {
    int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    int v = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
    String rule = "|" + "-".repeat(w + 2) + "|" + "-".repeat(v + 2) + "|";
    System.out.println(String.format(Locale.ROOT, "| %-" + w + "s | %-" + v + "s |", "check", "result"));
    System.out.println(rule);
    for (String[] r : rows) {
      System.out.println(String.format(Locale.ROOT, "| %-" + w + "s | %-" + v + "s |", r[0], r[1]));
    }
  }
}
