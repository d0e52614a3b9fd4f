package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class Quant4jCommandTest {

  @Test
  void badInputEndsWithOneLineNamingItAndStatusTwo(@TempDir Path dir) {
    CommandLine cli = Quant4jCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    Path missing = dir.resolve("no-such-model.zip");
    int status = cli.execute("calibrate", "--model", missing.toString(), "--data", missing.toString(),
        "--out", dir.resolve("amax.json").toString());
    String message = err.toString().strip();
    assertEquals(2, status, message);
    assertTrue(message.startsWith("quant4j calibrate: "), message);
    assertTrue(message.contains("no-such-model.zip"), message);
    assertFalse(message.contains("\n"), message);
    assertFalse(message.contains("\tat "), message);
  }

  @Test
  void everyCapabilityIsASubcommand() {
    assertEquals(java.util.Set.of("demo", "calibrate", "export", "report", "sensitivity", "autoquant", "conformance",
        "quantize-onnx"),
        Quant4jCommand.commandLine().getSubcommands().keySet());
  }

  @Test
  void versionPrintsTheBuiltVersionAndTheCommitTheLauncherGives() {
    String previous = System.getProperty(Quant4jCommand.Version.COMMIT_PROPERTY);
    try {
      for (String commit : new String[] {"", "0123456789ab"}) {
        System.setProperty(Quant4jCommand.Version.COMMIT_PROPERTY, commit);
        CommandLine cli = Quant4jCommand.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--version"));
        String line = out.toString().strip();
        assertTrue(line.matches("quant4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"
            + (commit.isEmpty() ? "" : " \\(commit " + commit + "\\)")), line);
      }
    } finally {
      if (previous == null) {
        System.clearProperty(Quant4jCommand.Version.COMMIT_PROPERTY);
      } else {
        System.setProperty(Quant4jCommand.Version.COMMIT_PROPERTY, previous);
      }
    }
  }
}
