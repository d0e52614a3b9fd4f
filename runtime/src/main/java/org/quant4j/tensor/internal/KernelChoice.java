package org.quant4j.tensor.internal;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one choice of {@link HostKernels} implementation for this JVM, made when the kernels are first
 * needed, and logged once.
 */
final class KernelChoice {
  static final String NOTICE_TEXT = "quant4j: Vector API not available, using the scalar kernels; "
      + "add --add-modules=jdk.incubator.vector for speed";
  static final String NOTICE;
  static final HostKernels KERNELS;

  static {
    String forced = System.getProperty(HostKernels.PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    boolean present = HostKernels.vectorModulePresent();
    switch (forced) {
      case "auto":
        NOTICE = present ? null : NOTICE_TEXT;
        KERNELS = present ? vector() : new ScalarKernels();
        break;
      case "vector":
        if (!present) {
          throw new IllegalStateException(HostKernels.PROPERTY + "=vector needs the JVM option "
              + "--add-modules=jdk.incubator.vector, which this JVM was not started with; expected auto or scalar");
        }
        NOTICE = null;
        KERNELS = vector();
        break;
      case "scalar":
        NOTICE = null;
        KERNELS = new ScalarKernels();
        break;
      default:
        throw new IllegalArgumentException(HostKernels.PROPERTY + " must be one of auto, vector, scalar, got '" + forced + "'");
    }
    Logger log = LoggerFactory.getLogger(HostKernels.class);
    if (NOTICE != null) {
      log.info(NOTICE);
    } else {
      log.debug("quant4j: host kernels: {}", KERNELS.description());
    }
  }

  private KernelChoice() {}

  /** The Vector API kernels, loaded by name so that nothing links them unless the module is present. */
  private static HostKernels vector() {
    try {
      return (HostKernels) Class.forName(HostKernels.class.getPackageName() + ".VectorKernels")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("quant4j: the Vector API kernels could not be loaded: " + e, e);
    }
  }
}
