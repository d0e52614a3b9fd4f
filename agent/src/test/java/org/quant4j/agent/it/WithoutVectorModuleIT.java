package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.examples.plainapp.PlainDl4jApp;

/**
 * The agent on a plain {@code java} without {@code --add-modules=jdk.incubator.vector}: an unmodified DL4J
 * application calibrates and runs quantized, the agent says once on stderr that it uses the scalar kernels, and
 * the amax file and every output the application writes are identical, to the bit, to the runs with the module.
 */
class WithoutVectorModuleIT {

  private static final String APP = PlainDl4jApp.class.getName();

  @TempDir Path dir;

  private ChildJvm.Result app(boolean vectorModule, String agentArguments, String... args) throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, agentArguments, ChildJvm.plainAppClassPath(), vectorModule, List.of(),
        APP, args);
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(vectorModule ? 0 : agentArguments == null ? 0 : 1, run.scalarKernelLines().size(), run::toString);
    return run;
  }

  @Test
  void aPlainJvmCalibratesAndQuantizesToTheSameBitsAsTheVectorModule() throws Exception {
    app(true, null, "train", "model.zip");
    for (boolean vectorModule : new boolean[] {true, false}) {
      String tag = vectorModule ? "vector" : "scalar";
      app(vectorModule, "mode=calibrate,calib=histogram,method=entropy,amax=amax-" + tag + ".json", "eval",
          "model.zip", "calibrated-" + tag + ".csv");
      app(vectorModule, "amax=amax-" + tag + ".json", "eval", "model.zip", "quantized-" + tag + ".csv");
    }
    assertEquals(Files.readString(dir.resolve("amax-vector.json")), Files.readString(dir.resolve("amax-scalar.json")));
    assertEquals(Files.readString(dir.resolve("quantized-vector.csv")),
        Files.readString(dir.resolve("quantized-scalar.csv")));
    assertEquals(Files.readString(dir.resolve("calibrated-vector.csv")),
        Files.readString(dir.resolve("calibrated-scalar.csv")));
    assertNotEquals(Files.readString(dir.resolve("calibrated-vector.csv")),
        Files.readString(dir.resolve("quantized-vector.csv")), "quant mode changed nothing: was the agent active?");
  }
}
