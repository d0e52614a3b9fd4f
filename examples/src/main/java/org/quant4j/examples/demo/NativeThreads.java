package org.quant4j.examples.demo;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The demo's native threading: one OpenMP thread for ND4J's kernels, and one BLAS thread, unless
 * {@code OMP_NUM_THREADS} says otherwise. LeNet-5's operations are small; on a shared 2-core machine, spinning OpenMP workers that
 * lose their core made a training step up to 8× slower (measured: 800 ms against 100 ms per batch of 64
 * under load), while one thread leaves the second core to the JVM's own threads.
 */
final class NativeThreads {

  private NativeThreads() {}

  /** Sets one OpenMP thread and one BLAS thread when {@code OMP_NUM_THREADS} is not set. */
  static void limitUnlessConfigured() {
    if (System.getenv("OMP_NUM_THREADS") != null) {
      return;
    }
    Nd4j.scalar(0f); // loads the backend
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    Nd4j.factory().blas().setMaxThreads(1); // BLAS keeps its own thread count
  }
}
