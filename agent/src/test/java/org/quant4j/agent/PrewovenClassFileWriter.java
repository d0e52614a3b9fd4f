package org.quant4j.agent;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.quant4j.dl4j.internal.HookFailures;
import org.quant4j.dl4j.internal.PrewovenClassFiles;
import org.quant4j.dl4j.internal.QuantInstrumentations;

/**
 * Weaves the DL4J classes the agent instruments, as found on this build's class path, with the transformer the
 * agent's premain installs, and writes them into the agent's classes ({@link PrewovenClassFiles}). The build runs
 * it before the jar is made; a class that cannot be woven fails the build.
 */
final class PrewovenClassFileWriter {

  private PrewovenClassFileWriter() {}

  /**
   * Writes the prewoven class files.
   *
   * @param args the classes directory of the agent module
   * @throws IOException if a class file cannot be read or written
   * @throws IllegalClassFormatException if a class file cannot be woven
   */
  public static void main(String[] args) throws IOException, IllegalClassFormatException {
    Path classes = Path.of(args[0]);
    ClassLoader loader = PrewovenClassFileWriter.class.getClassLoader();
    Map<String, String> written = write(classes, loader);
    System.out.println("quant4j: " + written.size() + " DL4J class files woven into " + classes.resolve(
        PrewovenClassFiles.DIRECTORY) + ": " + String.join(", ", written.keySet()));
  }

  /**
   * Weaves every instrumented type the loader has a class file of.
   *
   * @param classes where to write
   * @param loader where the DL4J class files are (the application class loader, as for the agent)
   * @return the digest of each original class file, by internal name
   * @throws IOException if a file cannot be read or written
   * @throws IllegalClassFormatException if a class file cannot be woven
   */
  static Map<String, String> write(Path classes, ClassLoader loader) throws IOException,
      IllegalClassFormatException {
    List<String> failures = new ArrayList<>();
    HookFailures.reportTo(failures::add);
    try {
      Map<String, String> written = PrewovenClassFiles.write(classes, typeNames(), weaver(loader), loader);
      if (!failures.isEmpty()) {
        throw new IllegalClassFormatException(String.join("; ", failures));
      }
      return written;
    } finally {
      HookFailures.reportTo(null);
    }
  }

  /**
   * The transformer premain builds when it must weave a class itself.
   *
   * @param loader the application class loader
   * @return the transformer
   */
  static ClassFileTransformer weaver(ClassLoader loader) {
    return QuantInstrumentations.transformer(Quant4jAgent.builder(new Dl4jVisibility(loader), false));
  }

  /**
   * Every type the agent weaves by name.
   *
   * @return the binary names
   */
  static Set<String> typeNames() {
    Set<String> names = new TreeSet<>(QuantInstrumentations.typeNames());
    names.addAll(NetworkInstrumentation.TYPE_NAMES);
    return names;
  }
}
