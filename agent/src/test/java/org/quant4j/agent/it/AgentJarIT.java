package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shaded agent jar: its manifest, and that it carries quant4j but none of the host's libraries. */
class AgentJarIT {
  @Test
  void manifestDeclaresBothEntryPointsAndRetransformation() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("org.quant4j.agent.Quant4jAgent", main.getValue("Premain-Class"));
      assertEquals("org.quant4j.agent.Quant4jAgent", main.getValue("Agent-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
      assertEquals("true", main.getValue("Can-Redefine-Classes"));
    }
  }

  @Test
  void carriesQuant4jAndRelocatedLibrariesButNoHostLibrary() throws IOException {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();
      assertTrue(names.contains("org/quant4j/dl4j/internal/LayerHooks.class"));
      assertTrue(names.contains("META-INF/services/org.quant4j.dl4j.internal.QuantInstrumentation"));
      assertTrue(names.contains("org/quant4j/shaded/bytebuddy/asm/Advice.class"));
      assertTrue(names.contains("org/quant4j/shaded/jackson/databind/ObjectMapper.class"));
      for (String foreign : List.of("net/", "com/", "org/nd4j/", "org/deeplearning4j/", "org/bytedeco/",
          "org/slf4j/", "org/yaml/", "org/knowm/", "ai/onnxruntime/", "picocli/", "META-INF/versions/",
          "org/quant4j/cli/", "org/quant4j/conformance/")) {
        assertEquals(List.of(), names.stream().filter(n -> n.startsWith(foreign)).limit(3).toList(), foreign);
      }
    }
    assertTrue(Files.size(ChildJvm.agentJar()) < 12L << 20, "agent jar over 12 MiB");
  }
}
