package org.quant4j.examples.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LeNet-5 as the demo trains and saves it (cosine learning-rate schedule, Adam) restores in a JVM whose
 * class path holds DL4J and its dependencies only, no quant4j class: its configuration names DL4J classes
 * alone, so a plain DL4J application can load the demo's FP32 models.
 */
class SavedModelLoadsWithDl4jAloneTest {

  @Test
  void aDemoModelRestoresWithoutQuant4jOnTheClassPath(@TempDir Path tmp) throws Exception {
    MultiLayerNetwork net = LeNet5.build(CosineSchedules.cosine(1e-3, 1e-5, 100), 7);
    Path zip = tmp.resolve("lenet5.zip");
    ModelSerializer.writeModel(net, zip.toFile(), true);
    String config = net.getLayerWiseConfigurations().toJson();
    assertFalse(config.contains("org.quant4j"), "the configuration names a quant4j class");

    Path source = tmp.resolve("Restore.java");
    Files.writeString(source, String.join("\n",
        "public class Restore {",
        "  public static void main(String[] a) throws Exception {",
        "    var net = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(new java.io.File(a[0]), true);",
        "    System.out.println(\"layers=\" + net.getnLayers() + \" params=\" + net.numParams());",
        "    try {",
        "      Class.forName(\"org.quant4j.dl4j.QuantModules\");",
        "      System.out.println(\"quant4j on the class path\");",
        "    } catch (ClassNotFoundException e) {",
        "      System.out.println(\"no quant4j\");",
        "    }",
        "  }",
        "}"), StandardCharsets.UTF_8);
    String dl4jOnly = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("quant4j") && !e.contains(File.separator + "target" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
    assertFalse(dl4jOnly.isEmpty());
    Path log = tmp.resolve("out.txt");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", dl4jOnly, source.toString(), zip.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child JVM did not finish");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("layers=7 params=" + net.numParams()), out);
    assertTrue(out.contains("no quant4j"), out);
  }
}
