package org.quant4j.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The sample project that {@code mvn verify} builds with the invoker ({@value #SAMPLE}: it compiles the
 * quickstart against the installed coordinates and runs it) holds the README's dependency blocks as
 * written and no other quant4j artifact, and those blocks name the version this build makes.
 */
class QuickstartSampleProjectTest {

  static final String SAMPLE = "src/it/quickstart/pom.xml";

  private static final String SECTION = "## Depend on quant4j";
  private static final Pattern XML_BLOCK = Pattern.compile("```xml\n(.*?)```", Pattern.DOTALL);
  private static final String QUANT4J_GROUP = "<groupId>org.quant4j</groupId>";

  @Test
  void theSampleProjectHasTheReadmesDependencyBlocksAndNoOtherQuant4jArtifact() throws IOException {
    List<String> blocks = readmeBlocks();
    List<String> sample = lines(Files.readString(Path.of(SAMPLE), StandardCharsets.UTF_8));
    int quant4jEntries = 0;
    for (int i = 0; i < blocks.size(); i++) {
      List<String> block = lines(blocks.get(i));
      assertTrue(Collections.indexOfSubList(sample, block) >= 0, "README.md's xml block " + (i + 1) + " under '"
          + SECTION + "' is not in " + SAMPLE + " as written (indentation aside):\n" + blocks.get(i));
      quant4jEntries += Collections.frequency(block, QUANT4J_GROUP);
    }
    assertEquals(quant4jEntries, Collections.frequency(sample, QUANT4J_GROUP),
        SAMPLE + " names an org.quant4j artifact that README.md's dependency blocks do not");
  }

  @Test
  void theReadmesDependencyBlocksNameThisBuildsVersion() throws IOException {
    String parent = Files.readString(Path.of("../pom.xml"), StandardCharsets.UTF_8);
    Matcher own = Pattern.compile("<artifactId>quant4j-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
    assertTrue(own.find(), "../pom.xml has no quant4j-parent version");
    for (String block : readmeBlocks()) {
      Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(block);
      while (version.find()) {
        assertEquals(own.group(1), version.group(1), "README.md's dependency block names another version:\n" + block);
      }
    }
  }

  private static List<String> readmeBlocks() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf(SECTION);
    assertTrue(start >= 0, "README.md has no '" + SECTION + "' section");
    int end = readme.indexOf("\n## ", start + SECTION.length());
    Matcher m = XML_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertFalse(blocks.isEmpty(), "README.md's '" + SECTION + "' section has no xml block");
    return blocks;
  }

  /** The non-blank lines, without their indentation. */
  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
