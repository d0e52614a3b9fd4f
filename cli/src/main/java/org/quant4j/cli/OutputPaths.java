package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks a command's output paths before it does any work, so that a run which cannot write its
 * result fails at once and a run never overwrites what the user gave it: an output must not be one of
 * the command's inputs (the same file, however it is spelled), a file output must not be a directory,
 * and the directory it goes into must exist and be writable. The checks collect the inputs first
 * ({@link #input}) and then check each output against all of them.
 */
final class OutputPaths {

  private final Map<String, Path> inputs = new LinkedHashMap<>();

  /**
   * Records an input the outputs must not overwrite.
   *
   * @param option the option that gave it, e.g. {@code --model}
   * @param path the input, or null when the option was not given
   * @return this
   */
  OutputPaths input(String option, Path path) {
    if (path != null) {
      inputs.put(option, path);
    }
    return this;
  }

  /**
   * Checks a file output: not an input, not a directory, in an existing writable directory.
   *
   * @param option the option that gave it, e.g. {@code --out}
   * @param file the file to be written
   * @throws IllegalArgumentException naming the option, the path and what is wrong
   */
  void requireFile(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + " is a directory, expected a file to write");
    }
    requireNotAnInput(option, file, file);
    requireWritableDirectory(option, file, file.toAbsolutePath().getParent());
  }

  /**
   * Checks a directory output: an existing writable directory, or a new one whose parent is; and no
   * input in it has a name the command writes there.
   *
   * @param option the option that gave it, e.g. {@code --report}
   * @param dir the directory to be written into
   * @param written whether a file name is one the command writes into the directory
   * @throws IllegalArgumentException naming the option, the path and what is wrong
   */
  void requireDirectory(String option, Path dir, Predicate<String> written) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(option + " " + dir + " is a file, expected a directory");
      }
      requireWritableDirectory(option, dir, dir);
    } else {
      requireWritableDirectory(option, dir, dir.toAbsolutePath().getParent());
    }
    for (Path in : inputs.values()) {
      Path name = in.getFileName();
      if (name != null && written.test(name.toString())) {
        requireNotAnInput(option, dir, dir.resolve(name));
      }
    }
  }

  private void requireNotAnInput(String option, Path output, Path file) {
    for (Map.Entry<String, Path> in : inputs.entrySet()) {
      if (sameFile(file, in.getValue())) {
        throw new IllegalArgumentException(option + " " + output + " would overwrite the " + in.getKey() + " input "
            + in.getValue() + "; choose another output path");
      }
    }
  }

  private static void requireWritableDirectory(String option, Path output, Path dir) {
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(option + " " + output + ": the directory " + dir + " does not exist");
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException(option + " " + output + ": the directory " + dir + " is not writable");
    }
  }

  /**
   * Whether two paths name the same file: the same file on disk (hard and symbolic links included) when
   * both exist, else the same path once the existing directories on the way are resolved.
   */
  private static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
      return resolved(a).equals(resolved(b));
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }

  /** The real path of a file, or of its nearest existing directory with the rest of the path appended. */
  private static Path resolved(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      return abs.toRealPath();
    }
    Path parent = abs.getParent();
    return parent == null ? abs : resolved(parent).resolve(abs.getFileName());
  }
}
