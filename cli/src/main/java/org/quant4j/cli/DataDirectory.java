package org.quant4j.cli;

import java.nio.file.Path;

/**
 * The cache directory for data sets and trained models: the {@code --data-dir} option, else the
 * {@code QUANT4J_DATA} environment variable, else {@code ~/.quant4j/data}.
 */
final class DataDirectory {

  /** The environment variable that overrides the default. */
  static final String ENV = "QUANT4J_DATA";

  private DataDirectory() {}

  /**
   * @param option the {@code --data-dir} value, or {@code null}
   * @return the directory to use
   */
  static Path resolve(Path option) {
    if (option != null) {
      return option;
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".quant4j", "data");
  }
}
