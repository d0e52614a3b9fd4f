package org.quant4j.tensor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The kernels follow the JVM: the Vector API ones where {@code jdk.incubator.vector} is in the boot layer,
 * else the scalar ones with one notice line that names the flag. The build runs the suites once with the
 * module and once without; the run without sets {@code quant4j.test.kernels=scalar}, so a run that
 * silently kept the module fails here.
 */
class HostKernelChoiceTest {

  @Test
  void theKernelsFollowTheVectorModule() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertEquals(present, HostKernels.vectorModulePresent());
    String expected = System.getProperty("quant4j.test.kernels", present ? "vector" : "scalar");
    assertTrue(HostKernels.get().description().startsWith(expected),
        "expected the " + expected + " kernels, got " + HostKernels.get().description());
    assertEquals(!present, HostKernels.scalarNotice().isPresent());
  }

  @Test
  void theNoticeNamesTheFlagThatEnablesTheVectorKernels() {
    HostKernels.scalarNotice().ifPresent(line -> {
      assertTrue(line.startsWith("quant4j: Vector API not available, using the scalar kernels"), line);
      assertTrue(line.contains("--add-modules=jdk.incubator.vector"), line);
    });
  }
}
