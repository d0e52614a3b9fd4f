package org.quant4j.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's Java quickstart is the marked region of {@link Quickstart}, line for line (indentation
 * removed), so the block in the README compiles and runs as {@code QuickstartWithoutVectorModuleTest}
 * runs it.
 */
class ReadmeSnippetTest {

  private static final String MARK = "// [quickstart]";

  @Test
  void theReadmeQuickstartIsTheQuickstartProgramsRegion() throws Exception {
    String source = Files.readString(
        Path.of("src/main/java/org/quant4j/examples/snippets/Quickstart.java"), StandardCharsets.UTF_8);
    String[] parts = source.split(java.util.regex.Pattern.quote(MARK), -1);
    assertEquals(3, parts.length, "Quickstart.java has one region between two " + MARK + " lines");
    String region = parts[1].lines().skip(1).map(l -> l.startsWith("    ") ? l.substring(4) : l.strip())
        .collect(java.util.stream.Collectors.joining("\n")).stripTrailing();
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertTrue(readme.contains("```java\n" + region + "\n```"),
        "README.md must hold the quickstart region of Quickstart.java as a java block:\n" + region);
  }
}
