package org.quant4j.dl4j.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.quant4j.internal.AtomicFiles;

/**
 * DL4J class files woven when the agent jar was built, so that an application on the DL4J the jar was built
 * against never builds Byte Buddy's machinery at start-up. Each woven file is kept with the SHA-256 of the class
 * file it was woven from, and served only for a class file with that very digest: any other DL4J build goes through
 * Byte Buddy as it loads. Weaving is a function of the class file (the advice only decorates methods, describing
 * the type from its own class file), so a served file is the one Byte Buddy would make from it.
 *
 * <p>The files live under {@value #DIRECTORY}: {@code index} lists one {@code internal/Name sha256hex} per line, and
 * {@code internal/Name.woven} holds the woven bytes (not {@code .class}, which a shading step would rewrite).
 */
public final class PrewovenClassFiles {

  /** The resource directory of the woven class files. */
  public static final String DIRECTORY = "META-INF/quant4j/prewoven/";
  private static final String INDEX = DIRECTORY + "index";
  private static final String SUFFIX = ".woven";

  /** The class loader the files were read from, the only one their classes may load through. */
  private final ClassLoader resources;
  /** The digest of each original class file, by internal name. */
  private final Map<String, String> digests;

  private PrewovenClassFiles(ClassLoader resources, Map<String, String> digests) {
    this.resources = resources;
    this.digests = digests;
  }

  /**
   * No woven class files: every class goes through Byte Buddy.
   *
   * @return the empty set
   */
  public static PrewovenClassFiles none() {
    return new PrewovenClassFiles(null, Map.of());
  }

  /**
   * The woven class files a class loader holds (those of the jar it loaded this class from, for the agent).
   *
   * @param loader where to look
   * @return the woven class files, none if the loader has no index
   * @throws UncheckedIOException if the index cannot be read
   */
  public static PrewovenClassFiles in(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream(INDEX)) {
      if (in == null) {
        return none();
      }
      Map<String, String> digests = new HashMap<>();
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        int space = line.indexOf(' ');
        digests.put(line.substring(0, space), line.substring(space + 1));
      }
      return new PrewovenClassFiles(loader, Map.copyOf(digests));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + INDEX, e);
    }
  }

  /**
   * How many class files are held.
   *
   * @return the count
   */
  public int size() {
    return digests.size();
  }

  /**
   * The woven form of a class file, if it is one the jar was built with and it loads through the class loader the
   * jar was read from (the woven code calls quant4j's classes, which that loader holds).
   *
   * @param loader the class loader the class loads through
   * @param internalName the class, e.g. {@code org/deeplearning4j/nn/layers/BaseLayer}
   * @param classFile the class file about to load
   * @return the woven class file, or null when none was woven from these very bytes for this loader
   */
  public byte[] woven(ClassLoader loader, String internalName, byte[] classFile) {
    if (loader != resources) {
      return null;
    }
    String digest = digests.get(internalName);
    if (digest == null || !digest.equals(sha256(classFile))) {
      return null;
    }
    try (InputStream in = resources.getResourceAsStream(DIRECTORY + internalName + SUFFIX)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Weaves the class files a class loader has of some types and writes them with their index under
   * {@code classesDirectory}: what the agent's build runs. A type the loader has no class file of, or whose class
   * the weaver leaves as it is (it returns null), is not written.
   *
   * @param classesDirectory the root of the jar's resources
   * @param typeNames the binary names of the types
   * @param weaver the transformer the agent installs, for the class loader the classes load from
   * @param loader that class loader
   * @return the digest of each original class file written, by internal name
   * @throws IOException if a class file cannot be read or a file cannot be written
   * @throws IllegalClassFormatException if the weaver rejects a class file
   */
  public static Map<String, String> write(Path classesDirectory, Set<String> typeNames,
      ClassFileTransformer weaver, ClassLoader loader) throws IOException, IllegalClassFormatException {
    Map<String, String> digests = new TreeMap<>();
    for (String name : new TreeSet<>(typeNames)) {
      String internalName = name.replace('.', '/');
      byte[] original;
      try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
        if (in == null) {
          continue;
        }
        original = in.readAllBytes();
      }
      byte[] woven = weaver.transform(loader.getUnnamedModule(), loader, internalName, null, null, original);
      if (woven == null) {
        continue;
      }
      Path file = classesDirectory.resolve(DIRECTORY + internalName + SUFFIX);
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, woven);
      digests.put(internalName, sha256(original));
    }
    Files.createDirectories(classesDirectory.resolve(DIRECTORY));
    StringBuilder index = new StringBuilder();
    digests.forEach((name, digest) -> index.append(name).append(' ').append(digest).append('\n'));
    AtomicFiles.writeString(classesDirectory.resolve(INDEX), index.toString());
    return digests;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
