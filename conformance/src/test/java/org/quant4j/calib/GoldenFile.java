package org.quant4j.calib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads (once per JVM) a golden file from {@code -Dquant4j.golden}. */
final class GoldenFile {

  private static final Map<String, JsonNode> CACHE = new ConcurrentHashMap<>();

  private GoldenFile() {}

  static JsonNode load(String name) {
    return CACHE.computeIfAbsent(name, n -> {
      Path p = Path.of(System.getProperty("quant4j.golden", "../golden")).resolve(n);
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException("golden file missing: " + p.toAbsolutePath());
      }
      try {
        return new ObjectMapper().readTree(p.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
