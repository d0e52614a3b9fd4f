package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.Quant4jCommand;
import org.quant4j.dl4j.QuantStateFile;

/**
 * The one state format between the three ways in, each in its own child JVM as a user runs it: {@code quant4j
 * calibrate} then the agent in quant mode, the API's {@code QuantState.save} then the agent, and the agent's calibrate
 * mode then {@code quant4j export --amax}. Where the agent quantizes from a file, its outputs are compared bit for
 * bit with the API's ({@code QuantModules.initialize()} + {@code QuantState.load}) on the same file.
 */
class StateRoundTripIT {
  private static final String HOST = CnnHost.class.getName();

  @TempDir static Path dir;
  private static List<String> plain;

  @BeforeAll
  static void makeTheModel() throws Exception {
    ChildJvm.Result make = host(null, "make", "cnn.zip", "images.csv");
    assertEquals(0, make.exitCode(), make::toString);
    ChildJvm.Result run = host(null, "eval", "cnn.zip", "plain.csv");
    assertEquals(0, run.exitCode(), run::toString);
    plain = Files.readAllLines(dir.resolve("plain.csv"));
  }

  private static ChildJvm.Result host(String agentArguments, String... args) throws Exception {
    return ChildJvm.run(dir, agentArguments, ChildJvm.hostClassPath(), List.of(), HOST, args);
  }

  private static ChildJvm.Result withQuant4j(String mainClass, String... args) throws Exception {
    return ChildJvm.run(dir, null, ChildJvm.quant4jClassPath(), List.of("-XX:+EnableDynamicAgentLoading"), mainClass,
        args);
  }

  private static ChildJvm.Result cli(String... args) throws Exception {
    return withQuant4j(Quant4jCommand.class.getName(), args);
  }

  /** Runs the host under the agent and through the API on one state file; both must give the same bits. */
  private static void assertAgentQuantizesAsTheApi(String state) throws Exception {
    ChildJvm.Result agent = host("amax=" + state + ",verbose=true", "eval", "cnn.zip", state + ".agent.csv");
    assertEquals(0, agent.exitCode(), agent::toString);
    assertTrue(agent.agentLines().contains("quant4j-agent: net0: loaded the state of 5 of 5 quantizers from "
        + state), agent::toString);
    assertTrue(agent.agentLines().contains("quant4j-agent: net0 (MultiLayerNetwork): 5 quantizers, 5 enabled, "
        + "5 calibrated; every layer with parameters is in the layer map"), agent::toString);
    ChildJvm.Result api = withQuant4j(HOST, "api-eval", "cnn.zip", state, state + ".api.csv");
    assertEquals(0, api.exitCode(), api::toString);
    List<String> byAgent = Files.readAllLines(dir.resolve(state + ".agent.csv"));
    assertEquals(Files.readAllLines(dir.resolve(state + ".api.csv")), byAgent);
    assertFalse(byAgent.equals(plain), "the agent's outputs are the float network's: nothing was quantized");
  }

  @Test
  void aStateFromQuant4jCalibrateRunsUnderTheAgentAsUnderTheApi() throws Exception {
    ChildJvm.Result calibrate = cli("calibrate", "--model", "cnn.zip", "--data", "images.csv", "--shape", "1,8,8",
        "--method", "entropy", "--out", "cli.json");
    assertEquals(0, calibrate.exitCode(), calibrate::toString);
    assertTrue(calibrate.stdout().contains("quantizers: 5 quantizers, 5 enabled, 5 calibrated; every layer with "
        + "parameters is in the layer map"), calibrate::toString);
    assertEquals(5, QuantStateFile.read(dir.resolve("cli.json")).quantizers().size());
    assertAgentQuantizesAsTheApi("cli.json");
  }

  @Test
  void aStateSavedThroughTheApiRunsUnderTheAgentAsUnderTheApi() throws Exception {
    ChildJvm.Result save = withQuant4j(HOST, "api-save", "cnn.zip", "images.csv", "api.json");
    assertEquals(0, save.exitCode(), save::toString);
    assertAgentQuantizesAsTheApi("api.json");
  }

  @Test
  void theAgentsCalibrationExportsWithQuant4jExport() throws Exception {
    ChildJvm.Result calibrate = host("mode=calibrate,amax=agent.json", "eval", "cnn.zip", "calibrating.csv");
    assertEquals(0, calibrate.exitCode(), calibrate::toString);
    assertEquals(plain, Files.readAllLines(dir.resolve("calibrating.csv")));
    QuantStateFile state = QuantStateFile.read(dir.resolve("agent.json"));
    assertFalse(state.perNetwork(), "an application with one network gives a one-network file");
    ChildJvm.Result export = cli("export", "--model", "cnn.zip", "--amax", "agent.json", "--input-shape", "1,1,8,8",
        "--out", "agent.onnx");
    assertEquals(0, export.exitCode(), export::toString);
    assertTrue(export.stdout().contains("quant4j export: wrote agent.onnx (opset 13, 5 quantizers as Q/DQ)"),
        export::toString);
    assertTrue(Files.size(dir.resolve("agent.onnx")) > 0);
    assertAgentQuantizesAsTheApi("agent.json");
  }

  @Test
  void anAgentStateOfSeveralNetworksIsRefusedByExportNamingThem() throws Exception {
    ChildJvm.Result calibrate = host("mode=calibrate,amax=twins.json", "eval", "cnn.zip", "twins.csv", "twin");
    assertEquals(0, calibrate.exitCode(), calibrate::toString);
    assertEquals(List.of("net0", "net1"), QuantStateFile.read(dir.resolve("twins.json")).networkLabels());
    ChildJvm.Result export = cli("export", "--model", "cnn.zip", "--amax", "twins.json", "--input-shape", "1,1,8,8",
        "--out", "twins.onnx");
    assertTrue(export.exitCode() != 0, export::toString);
    assertTrue(export.stderr().contains("twins.json: it holds the state of 2 networks (net0, net1)"),
        export::toString);
    assertTrue(Files.notExists(dir.resolve("twins.onnx")));
  }
}
