package org.quant4j.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Java blocks of the documentation are marked regions of whole programs, line for line (indentation
 * removed), so they compile: the README's quickstart is {@link Quickstart}'s (which
 * {@code QuickstartWithoutVectorModuleTest} runs), docs/tune.md's is {@link MixedPrecision}'s.
 */
class ReadmeSnippetTest {

  @Test
  void theReadmeQuickstartIsTheQuickstartProgramsRegion() throws Exception {
    assertDocHoldsRegion("../README.md", "Quickstart.java", "// [quickstart]");
  }

  @Test
  void theTuneDocsJavaExampleIsTheMixedPrecisionProgramsRegion() throws Exception {
    assertDocHoldsRegion("../docs/tune.md", "MixedPrecision.java", "// [tune]");
  }

  private static void assertDocHoldsRegion(String doc, String program, String mark) throws Exception {
    String source = Files.readString(
        Path.of("src/main/java/org/quant4j/examples/snippets").resolve(program), StandardCharsets.UTF_8);
    String[] parts = source.split(java.util.regex.Pattern.quote(mark), -1);
    assertEquals(3, parts.length, program + " has one region between two " + mark + " lines");
    String region = parts[1].lines().skip(1).map(l -> l.startsWith("    ") ? l.substring(4) : l.strip())
        .collect(java.util.stream.Collectors.joining("\n")).stripTrailing();
    String text = Files.readString(Path.of(doc), StandardCharsets.UTF_8);
    assertTrue(text.contains("```java\n" + region + "\n```"),
        doc + " must hold the " + mark + " region of " + program + " as a java block:\n" + region);
  }
}
