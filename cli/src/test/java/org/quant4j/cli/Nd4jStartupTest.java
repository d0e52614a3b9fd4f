package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * What the command line shows of ND4J's start-up output. The fallback report is what ND4J 1.0.0-M2.1 printed with
 * the {@code cuda} profile on a machine without a GPU driver (the JavaCPP cache path shortened).
 */
class Nd4jStartupTest {

  private static final String FALLBACK_REPORT = """
      java.lang.UnsatisfiedLinkError: ~/.javacpp/cache/cuda-11.6-8.3-1.5.7-linux-x86_64.jar/org/bytedeco/cuda/\
      linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory
      \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
      \tat java.base/jdk.internal.loader.NativeLibraries$NativeLibraryImpl.open(NativeLibraries.java:388)
      \tat java.base/jdk.internal.loader.NativeLibraries.loadLibrary(NativeLibraries.java:232)
      \tat java.base/jdk.internal.loader.NativeLibraries.loadLibrary(NativeLibraries.java:174)
      \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2394)
      \tat java.base/java.lang.Runtime.load0(Runtime.java:755)
      \tat java.base/java.lang.System.load(System.java:1970)
      \tat org.bytedeco.javacpp.Loader.loadLibrary(Loader.java:1747)
      \tat org.bytedeco.javacpp.Loader.load(Loader.java:1402)
      \tat org.bytedeco.javacpp.Loader.load(Loader.java:1214)
      \tat org.bytedeco.javacpp.Loader.load(Loader.java:1190)
      \tat org.bytedeco.cuda.global.cudart.<clinit>(cudart.java:14)
      \tat org.nd4j.linalg.jcublas.JCublasBackend.canRun(JCublasBackend.java:66)
      \tat org.nd4j.linalg.jcublas.JCublasBackend.isAvailable(JCublasBackend.java:51)
      \tat org.nd4j.linalg.factory.Nd4jBackend.load(Nd4jBackend.java:175)
      \tat org.nd4j.linalg.factory.Nd4j.initContext(Nd4j.java:5062)
      \tat org.nd4j.linalg.factory.Nd4j.<clinit>(Nd4j.java:284)
      \tat org.quant4j.cli.Nd4jStartup.start(Nd4jStartup.java:32)
      [main] WARN org.nd4j.linalg.factory.Nd4jBackend - Skipped [JCublasBackend] backend (unavailable): \
      java.lang.UnsatisfiedLinkError: libcuda.so.1: cannot open shared object file: No such file or directory
      """;

  private static final String CPU_WARNING =
      "[main] WARN org.nd4j.linalg.cpu.nativecpu.CpuNDArrayFactory - *** CPU SUPPORTS AVX512 ***\n";

  @Test
  void aCudaFallbackShowsNoneOfNd4jsReportUnlessVerbose() {
    assertEquals("", Nd4jStartup.shown(FALLBACK_REPORT, true, false));
    assertEquals(FALLBACK_REPORT, Nd4jStartup.shown(FALLBACK_REPORT, true, true));
  }

  @Test
  void withoutAFallbackNd4jsStartUpOutputIsShownAsItWas() {
    assertEquals(CPU_WARNING, Nd4jStartup.shown(CPU_WARNING, false, false));
    assertEquals(CPU_WARNING, Nd4jStartup.shown(CPU_WARNING, false, true));
  }
}
