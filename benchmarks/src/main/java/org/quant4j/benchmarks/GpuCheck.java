package org.quant4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import org.quant4j.conformance.ConformanceRunner;
import org.quant4j.conformance.ConformanceSummary;
import org.quant4j.conformance.SeedExampleReplayer;
import org.quant4j.conformance.TensorQuantReplayer;
import org.quant4j.tensor.ComputeBackend;
import org.quant4j.tensor.KernelPath;
import org.quant4j.tensor.TensorQuant;

/**
 * The GPU check ({@code benchmarks/gpu-check.sh}): on whatever ND4J backend runs (CUDA with
 * {@code -Pcuda} on a GPU machine, the CPU otherwise), replays the tensor_quant and seed_example
 * golden files through each kernel path, and times fake quantization of a large float32 tensor
 * against a copy of the same bytes in the same memory (a device-to-device copy on the GPU), and runs a
 * LeNet-5 calibration + fake-quant inference pass ({@link LeNetCheck}). On a device backend the same
 * LeNet pass also runs in a child JVM forced onto the CPU backend ({@code BACKEND_PRIORITY_CPU}), and
 * the outputs are compared. Prints one table.
 *
 * <p>Arguments: {@code --elements N} (default 268435456, 256M floats = 1 GiB), {@code --reps R}
 * (default 7, the median is reported), {@code --golden DIR} (default: the {@code quant4j.golden}
 * property, else {@code golden/} at the repository root). {@code --lenet-reference FILE} only runs the LeNet pass
 * and writes its timings and outputs to FILE (what the CPU child does).
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
    Path golden = Path.of(System.getProperty("quant4j.golden", "../golden"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--elements" -> elements = Long.parseLong(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--golden" -> golden = Path.of(args[++i]);
        case "--lenet-reference" -> {
          writeLeNet(LeNetCheck.run(), Path.of(args[++i]));
          return;
        }
        default -> throw new IllegalArgumentException("arguments must be --elements N, --reps R, --golden DIR"
            + " or --lenet-reference FILE, got " + args[i]);
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
    leNetRows(rows, golden);
    print(rows);
  }

  private static void leNetRows(List<String[]> rows, Path golden) throws IOException, InterruptedException {
    LeNetCheck.Result here = LeNetCheck.run();
    LeNetCheck.Result cpu = ComputeBackend.isHostMemory() ? null : cpuReference(golden);
    String batches = LeNetCheck.BATCHES + "x" + LeNetCheck.BATCH_SIZE;
    String gpu = ComputeBackend.isHostMemory() ? "GPU: not available" : "GPU " + ms(here.calibrationMs());
    rows.add(new String[] {"LeNet-5 calibration (collectStats " + batches + " + ENTROPY amax)",
        ComputeBackend.isHostMemory() ? gpu + "; CPU " + ms(here.calibrationMs())
            : gpu + "; CPU " + ms(cpu.calibrationMs())});
    rows.add(new String[] {"LeNet-5 fake-quant inference (output() " + batches + ")",
        ComputeBackend.isHostMemory() ? "GPU: not available; CPU " + ms(here.inferenceMs())
            : "GPU " + ms(here.inferenceMs()) + "; CPU " + ms(cpu.inferenceMs())});
    rows.add(new String[] {"LeNet-5 outputs GPU vs CPU, max |diff|",
        cpu == null ? "n/a (GPU: not available)" : String.format(Locale.ROOT, "%.3g", maxAbsDiff(here, cpu))});
  }

  private static String ms(double ms) {
    return String.format(Locale.ROOT, "%.1f ms", ms);
  }

  private static float maxAbsDiff(LeNetCheck.Result a, LeNetCheck.Result b) {
    float max = 0;
    for (int i = 0; i < a.outputs().length; i++) {
      max = Math.max(max, Math.abs(a.outputs()[i] - b.outputs()[i]));
    }
    return max;
  }

  /** Runs the LeNet pass in a child JVM with the same class path, forced onto ND4J's CPU backend. */
  private static LeNetCheck.Result cpuReference(Path golden) throws IOException, InterruptedException {
    Path file = Files.createTempFile("quant4j-lenet-cpu", ".bin");
    try {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
          "-Dquant4j.golden=" + golden, GpuCheck.class.getName(), "--lenet-reference", file.toString());
      // ND4J picks the backend with the highest priority; the CUDA backend's is 100.
      pb.environment().put("BACKEND_PRIORITY_CPU", "1000");
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IOException("the CPU LeNet reference JVM exited with " + rc);
      }
      try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
        double calibrationMs = in.readDouble();
        double inferenceMs = in.readDouble();
        float[] outputs = new float[in.readInt()];
        for (int i = 0; i < outputs.length; i++) {
          outputs[i] = in.readFloat();
        }
        return new LeNetCheck.Result(calibrationMs, inferenceMs, outputs);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void writeLeNet(LeNetCheck.Result r, Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeDouble(r.calibrationMs());
      out.writeDouble(r.inferenceMs());
      out.writeInt(r.outputs().length);
      for (float f : r.outputs()) {
        out.writeFloat(f);
      }
    }
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
