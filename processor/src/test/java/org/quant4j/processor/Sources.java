package org.quant4j.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.annotations.Quantize;
import org.quant4j.nn.QuantModule;

/** Test sources in package {@code test} and the compiler that runs the processor on them. */
final class Sources {

  private static final List<String> IMPORTS =
      List.of(
          "package test;",
          "import java.util.List;",
          "import org.nd4j.linalg.api.ndarray.INDArray;",
          "import org.quant4j.annotations.QuantDesc;",
          "import org.quant4j.annotations.QuantInput;",
          "import org.quant4j.annotations.QuantWeight;",
          "import org.quant4j.annotations.Quantize;");

  private Sources() {}

  /**
   * A source file {@code test/<name>.java} with the quant4j and ND4J imports, then {@code lines}.
   */
  static JavaFileObject source(String name, String... lines) {
    List<String> all = new ArrayList<>(IMPORTS);
    all.addAll(List.of(lines));
    return JavaFileObjects.forSourceLines("test." + name, all);
  }

  /**
   * Just the jars the test sources and the generated sources name: the annotations, ND4J's API
   * and the runtime. javac reads every jar of a classpath, and the full test classpath (all of
   * ND4J and DL4J) makes each compile several times slower.
   */
  private static final List<File> PROCESSING_CLASSPATH =
      List.of(location(Quantize.class), location(INDArray.class), location(QuantModule.class));

  /** Runs the processor only, without compiling the output: all the error tests need. */
  static Compilation process(JavaFileObject... files) {
    return compiler().withOptions("-proc:only").compile(files);
  }

  /**
   * javac with the processor, against the annotations, ND4J's API and the runtime only.
   *
   * @param otherProcessors processors to run besides it
   */
  static Compiler compiler(Processor... otherProcessors) {
    List<Processor> processors = new ArrayList<>(List.of(otherProcessors));
    processors.add(0, new QuantizeProcessor());
    return javac().withProcessors(processors).withClasspath(PROCESSING_CLASSPATH);
  }

  private static File location(Class<?> type) {
    try {
      return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no class path entry for " + type, e);
    }
  }
}
