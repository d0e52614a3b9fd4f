package org.quant4j.tensor;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where ND4J keeps array data in this JVM, decided once: host memory with the CPU backend
 * ({@code nd4j-native}), device memory with the CUDA backend ({@code nd4j-cuda-11.6}, added by the
 * {@code cuda} Maven profile on top of the CPU backend). The quantization kernels dispatch on it: the
 * Vector API kernels read and write host memory directly, device arrays go through composed ND4J ops.
 *
 * <p>When the CUDA backend is on the class path but ND4J chose the CPU backend (no GPU, or no CUDA
 * 11.6 runtime), one line is logged at the first use.
 */
public final class ComputeBackend {

  private static final Logger LOG = LoggerFactory.getLogger(ComputeBackend.class);

  /** The class of ND4J's CUDA backend, present on the class path with the {@code cuda} profile. */
  static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

  private static final boolean HOST_MEMORY = detect();

  private ComputeBackend() {}

  /**
   * Whether arrays live in host memory the JVM can address (the CPU backend).
   *
   * @return true with the CPU backend, false with a device backend
   */
  public static boolean isHostMemory() {
    return HOST_MEMORY;
  }

  /**
   * The running ND4J backend, e.g. {@code CpuBackend} or {@code JCublasBackend}.
   *
   * @return the backend's simple class name
   */
  public static String name() {
    return Nd4j.getBackend().getClass().getSimpleName();
  }

  /**
   * Whether ND4J's CUDA backend is on the class path but ND4J runs on the CPU backend (no GPU, or no CUDA
   * 11.6 runtime): the fallback quant4j reports in one line. Starts ND4J if nothing has yet.
   *
   * @return true when the CUDA backend is present and the CPU backend runs
   */
  public static boolean isCudaFallback() {
    return Nd4j.getEnvironment().isCPU() && isPresent(CUDA_BACKEND_CLASS);
  }

  private static boolean detect() {
    boolean cpu = Nd4j.getEnvironment().isCPU();
    if (isCudaFallback()) {
      LOG.info("quant4j: the ND4J CUDA backend is on the class path but cannot run here (no GPU or no "
          + "CUDA 11.6 runtime); falling back to the CPU backend");
    } else if (!cpu) {
      LOG.info("quant4j: ND4J backend {} (device memory): quantization runs as composed ND4J ops", name());
    }
    return cpu;
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, ComputeBackend.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
