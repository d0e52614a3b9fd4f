package org.quant4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;

class AgentOptionsParserTest {
  @TempDir Path dir;

  private AgentOptionsException rejected(String arguments) {
    AgentOptionsException e = assertThrows(AgentOptionsException.class, () -> AgentOptionsParser.parse(arguments));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  @Test
  void noArgumentsMeansQuantModeWithDynamicAmax() {
    assertEquals(AgentOptions.defaults(), AgentOptionsParser.parse(null));
    assertEquals(AgentOptions.defaults(), AgentOptionsParser.parse(""));
    AgentOptions o = AgentOptionsParser.parse("  ");
    assertEquals(AgentMode.QUANT, o.mode());
    assertNull(o.amax());
    assertNull(o.config());
    assertFalse(o.verbose());
  }

  @Test
  void calibrateModeTakesEveryCalibrationKey() throws IOException {
    Path config = Files.writeString(dir.resolve("q.yaml"), "input: {num_bits: 8}\n");
    Path amax = dir.resolve("amax.json");
    AgentOptions o = AgentOptionsParser.parse("config=" + config + ",mode=calibrate,calib=histogram,method=percentile,"
        + "percentile=99.9,amax=" + amax + ",report=" + dir.resolve("report") + ",verbose=true");
    assertEquals(config, o.config());
    assertEquals(AgentMode.CALIBRATE, o.mode());
    assertEquals("histogram", o.calib());
    assertEquals(AmaxMethod.PERCENTILE, o.method());
    assertEquals(99.9, o.percentile());
    assertEquals(amax, o.amax());
    assertEquals(dir.resolve("report"), o.report());
    assertTrue(o.verbose());
  }

  @Test
  void histogramWithoutMethodUsesPercentile9999() {
    AgentOptions o = AgentOptionsParser.parse("mode=calibrate,calib=histogram,amax=" + dir.resolve("a.json"));
    assertNull(o.method());
    assertEquals(AmaxMethod.PERCENTILE, o.histogramMethod());
    assertEquals(99.99, o.percentile());
  }

  @Test
  void argumentStringRoundTrips() throws IOException {
    Path amax = Files.writeString(dir.resolve("a.json"), "{}");
    for (String args : new String[] {
        "mode=quant",
        "mode=quant,amax=" + amax + ",verbose=true",
        "mode=calibrate,calib=histogram,method=entropy,amax=" + amax,
        "mode=calibrate,calib=histogram,percentile=99.9,amax=" + amax,
        "mode=calibrate,method=percentile,percentile=99.0,amax=" + amax + ",report=" + dir,
        "mode=quant,amax=" + amax + ",onerror=warn"}) {
      AgentOptions o = AgentOptionsParser.parse(args);
      assertEquals(args, o.toArgumentString());
      assertEquals(o, AgentOptionsParser.parse(o.toArgumentString()));
    }
  }

  @Test
  void unknownKeyNamesTheKeyAndEveryAllowedKey() {
    AgentOptionsException e = rejected("mode=quant,bits=4");
    assertEquals("bits", e.key());
    assertEquals("unknown option 'bits'; the options are config, mode, calib, method, percentile, amax, report, "
        + "verbose, onerror (key=value,...)", e.getMessage());
  }

  @Test
  void badValuesNameTheKeyAndTheAllowedValues() {
    assertEquals("mode=train: mode must be quant|calibrate", rejected("mode=train").getMessage());
    assertEquals("calib=minmax: calib must be max|histogram",
        rejected("mode=calibrate,calib=minmax,amax=a.json").getMessage());
    assertEquals("method=kl: method must be max|percentile|mse|entropy",
        rejected("mode=calibrate,method=kl,amax=a.json").getMessage());
    assertEquals("percentile=101: percentile must be P (0 to 100)",
        rejected("mode=calibrate,percentile=101,amax=a.json").getMessage());
    assertEquals("percentile=x: percentile must be P (0 to 100)",
        rejected("mode=calibrate,percentile=x,amax=a.json").getMessage());
    assertEquals("verbose=yes: verbose must be true|false", rejected("verbose=yes").getMessage());
    assertEquals("onerror=ignore: onerror must be exit|warn", rejected("onerror=ignore").getMessage());
  }

  @Test
  void aConfigurationErrorStopsTheApplicationUnlessOnerrorIsWarn() {
    assertEquals(OnError.EXIT, AgentOptions.defaults().onError());
    assertEquals(OnError.EXIT, AgentOptionsParser.parse("mode=quant").onError());
    assertEquals(OnError.WARN, AgentOptionsParser.parse("onerror=warn").onError());
    assertEquals(OnError.EXIT, AgentOptionsParser.parse("onerror=exit").onError());
  }

  @Test
  void onerrorIsFoundInArgumentsThatHoldOtherErrors() {
    assertEquals(OnError.WARN, AgentOptionsParser.onError("mode=calibrate,method=kl, onerror = warn"));
    assertEquals(OnError.EXIT, AgentOptionsParser.onError("mode=calibrate,method=kl"));
    assertEquals(OnError.EXIT, AgentOptionsParser.onError("onerror=ignore"));
    assertEquals(OnError.EXIT, AgentOptionsParser.onError(null));
  }

  @Test
  void malformedEntriesAreRejected() {
    assertEquals("option 'mode' has no value; write mode=quant|calibrate", rejected("mode").getMessage());
    assertEquals("option 'amax' has no value; write amax=FILE", rejected("amax=").getMessage());
    assertEquals("option 'mode' is given twice", rejected("mode=quant,mode=calibrate").getMessage());
    assertEquals("", rejected("mode=quant,").key());
  }

  @Test
  void calibrationKeysNeedCalibrateMode() {
    assertEquals("method=entropy: only with mode=calibrate", rejected("method=entropy").getMessage());
    assertEquals("report", rejected("report=out").key());
    assertEquals("calib", rejected("mode=quant,calib=max").key());
  }

  @Test
  void contradictoryCalibrationChoicesAreRejected() {
    String amax = ",amax=" + dir.resolve("a.json");
    assertEquals("method", rejected("mode=calibrate,calib=max,method=entropy" + amax).key());
    assertEquals("method", rejected("mode=calibrate,calib=histogram,method=max" + amax).key());
    assertEquals("percentile", rejected("mode=calibrate,method=mse,percentile=99" + amax).key());
  }

  @Test
  void filesAreCheckedBeforeAnythingIsInstalled() {
    assertEquals("config", rejected("config=" + dir.resolve("missing.yaml")).key());
    assertTrue(rejected("amax=" + dir.resolve("missing.json")).getMessage().contains("no such file"));
    assertEquals("amax=" + dir.resolve("no/such/dir/a.json") + ": directory " + dir.resolve("no/such/dir")
            + " does not exist (the amax file is written there)",
        rejected("mode=calibrate,amax=" + dir.resolve("no/such/dir/a.json")).getMessage());
    assertEquals("amax", rejected("mode=calibrate,amax=" + dir).key());
    assertEquals("mode=calibrate needs amax=FILE, the file the amax is written to at exit",
        rejected("mode=calibrate").getMessage());
  }

  @Test
  void theAmaxWrittenAtExitMayNotReplaceTheConfig() throws IOException {
    Path config = Files.writeString(dir.resolve("q.json"), "{}");
    assertEquals("amax=" + config + " is also config=; the amax written at exit would replace the QuantConfig",
        rejected("config=" + config + ",mode=calibrate,amax=" + config).getMessage());
  }
}
