package org.quant4j.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of README.md and docs/ is the text of a tagged region of a file that the
 * examples module compiles, so a doc snippet that no longer compiles fails the build.
 *
 * <p>A doc block names its region on the line above its fence, {@code <!-- snippet: FILE#REGION -->},
 * FILE relative to {@value #SOURCES}, or, when it starts with {@code /}, relative to the repository root (for a
 * module the examples cannot depend on, such as spark, whose snippet files are in its test sources). In FILE the region is every line between a {@code // [REGION]} line
 * and the next one; a region may come in several such parts (imports and a method body, say), which are
 * joined in file order, each shifted left by the indentation of its opening marker; trailing spaces are ignored. A block
 * that is not Java takes another fence language ({@code ```text}, {@code ```sh}, ...).
 */
class DocSnippetsTest {

  /** Where the files doc blocks name live, relative to the examples module. */
  static final String SOURCES = "src/main/java/org/quant4j/examples/";

  private static final Path REPO = Path.of("..");
  private static final Pattern SNIPPET = Pattern.compile("<!--\\s*snippet:\\s*(\\S+)#(\\S+)\\s*-->");

  @TestFactory
  Stream<DynamicTest> everyJavaBlockInTheDocsIsATaggedRegionOfACompiledFile() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path doc : docs()) {
      String name = REPO.relativize(doc).toString().replace('\\', '/');
      List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```java")) {
          continue;
        }
        int fence = i;
        int end = fence + 1;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
          end++;
        }
        String block = normalise(lines.subList(fence + 1, Math.min(end, lines.size())));
        Matcher m = SNIPPET.matcher(fence > 0 ? lines.get(fence - 1) : "");
        String where = name + ":" + (fence + 1);
        if (!m.find()) {
          tests.add(DynamicTest.dynamicTest(where, () -> fail(where
              + ": a ```java block without a <!-- snippet: FILE#REGION --> line above it. Make it a tagged region"
              + " (// [REGION] lines) of a file under examples/" + SOURCES + " and name it there, or give the"
              + " block another language (```text, ```sh) if it is not Java. The block:\n" + block)));
        } else {
          String file = m.group(1);
          String region = m.group(2);
          tests.add(DynamicTest.dynamicTest(where + " = " + file + "#" + region,
              () -> assertBlockIsRegion(where, block, file, region)));
        }
        i = end;
      }
    }
    assertFalse(tests.isEmpty(), "no ```java block found in README.md or docs/");
    return tests.stream();
  }

  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(REPO.resolve("README.md"));
    try (Stream<Path> walk = Files.walk(REPO.resolve("docs"))) {
      walk.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  private static void assertBlockIsRegion(String where, String block, String file, String region) throws IOException {
    Path source = file.startsWith("/") ? REPO.resolve(file.substring(1)) : Path.of(SOURCES, file);
    String shown = file.startsWith("/") ? file.substring(1) : "examples/" + SOURCES + file;
    if (!Files.isRegularFile(source)) {
      fail(where + ": names " + file + ", which is not a file (" + shown + ")");
    }
    String text = region(Files.readAllLines(source, StandardCharsets.UTF_8), where, shown, region);
    if (!text.equals(block)) {
      List<String> a = block.lines().toList();
      List<String> b = text.lines().toList();
      int line = 0;
      while (line < Math.min(a.size(), b.size()) && a.get(line).equals(b.get(line))) {
        line++;
      }
      fail(where + ": the java block differs from region " + region + " of " + shown
          + " at its line " + (line + 1) + ":\n  doc:    " + (line < a.size() ? a.get(line) : "(end of block)")
          + "\n  region: " + (line < b.size() ? b.get(line) : "(end of region)")
          + "\nCopy the region into the doc (or change the file, which must still compile). The region:\n" + text);
    }
  }

  /** The region's parts, joined, each shifted left by the indentation of the marker line that opens it. */
  private static String region(List<String> source, String where, String shown, String region) {
    String mark = "// [" + region + "]";
    List<String> lines = new ArrayList<>();
    int margin = -1;
    int marks = 0;
    for (String line : source) {
      if (line.strip().equals(mark)) {
        margin = margin < 0 ? line.indexOf(mark) : -1;
        marks++;
      } else if (margin >= 0) {
        int indent = line.length() - line.stripLeading().length();
        lines.add(line.substring(Math.min(indent, margin)));
      }
    }
    if (marks == 0) {
      fail(where + ": " + shown + " has no " + mark + " line");
    }
    if (margin >= 0) {
      fail(where + ": " + shown + " opens region " + region + " with a " + mark
          + " line that no second " + mark + " line closes (" + marks + " in all)");
    }
    return normalise(lines);
  }

  /** Lines with trailing spaces removed and leading and trailing blank lines dropped. */
  private static String normalise(List<String> lines) {
    String text = String.join("\n", lines.stream().map(String::stripTrailing).toList());
    return text.replaceAll("^\n+", "").replaceAll("\n+$", "");
  }
}
