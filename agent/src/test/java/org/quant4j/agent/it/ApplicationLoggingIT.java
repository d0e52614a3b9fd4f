package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in an application with its own, older logging stack: logback-classic 1.1 on slf4j-api 1.7, and no
 * SLF4J 2 on its class path. quant4j brings no SLF4J of its own (the agent jar holds none, the runtime forces no
 * version), so the application's log lines still come out, and the agent still calibrates and quantizes.
 */
class ApplicationLoggingIT {
  @TempDir Path dir;

  private ChildJvm.Result run(String agentArguments, String... args) throws Exception {
    ChildJvm.Result result = ChildJvm.run(dir, agentArguments, ChildJvm.legacyLoggingClassPath(), List.of(),
        LoggingHost.class.getName(), args);
    assertEquals(0, result.exitCode(), result::toString);
    return result;
  }

  private static void assertTheApplicationLogged(ChildJvm.Result result, String command) {
    assertTrue(result.stdout().contains("host: starting " + command), result::toString);
    assertTrue(result.stdout().contains("host: done with " + command), result::toString);
    assertTrue(result.stderr().lines().noneMatch(l -> l.startsWith("SLF4J:")), result::toString);
  }

  @Test
  void anApplicationOnLogback11AndSlf4j17KeepsItsLogLinesUnderTheAgent() throws Exception {
    assertTrue(ChildJvm.legacyLoggingClassPath().contains("logback-classic-1.1."));
    assertTrue(ChildJvm.legacyLoggingClassPath().contains("slf4j-api-1.7."));
    assertTheApplicationLogged(run(null, "train", "model.zip"), "train");
    ChildJvm.Result calibrate = run("mode=calibrate,amax=amax.json", "eval", "model.zip", "calibrated.csv");
    assertTheApplicationLogged(calibrate, "eval");
    assertTrue(calibrate.agentLines().stream().anyMatch(l -> l.startsWith("quant4j-agent: wrote the amax of 6 "
        + "quantizer(s) of 1 network(s) to amax.json")), calibrate::toString);
    ChildJvm.Result quant = run("amax=amax.json,verbose=true", "eval", "model.zip", "quantized.csv");
    assertTheApplicationLogged(quant, "eval");
    assertTrue(quant.agentLines().contains("quant4j-agent: net0: loaded the state of 6 of 6 quantizers from "
        + "amax.json"), quant::toString);
    assertNotEquals(Files.readAllLines(dir.resolve("calibrated.csv")), Files.readAllLines(dir.resolve("quantized.csv")),
        "quant mode changed no output: was the agent active?");
  }
}
