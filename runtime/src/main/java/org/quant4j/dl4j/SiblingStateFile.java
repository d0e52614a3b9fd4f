package org.quant4j.dl4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.LoggerFactory;

/**
 * The quantizer state kept beside a model file: {@code <model file>.quant4j.json}, in the one state format
 * ({@link QuantStateFile}). While quant4j is active (in code or under the agent), {@code ModelSerializer.writeModel}
 * to a file writes it after the zip, and {@code ModelSerializer.restore*} from a file reads it into the restored
 * network; the zip itself stays exactly as DL4J writes it.
 *
 * <p>The sibling never overrides state the user chose more recently:
 * <ul>
 *   <li>a sibling older than its model file (the zip was written again without quant4j) is not read, with one line;
 *   <li>the agent turns reading off when it was given {@code amax=} (the explicit file wins) or calibrates (a fresh
 *       calibration starts from the network as DL4J restores it), and writing off while it calibrates (the network
 *       is mid-calibration then; the amax goes to the agent's {@code amax=} file at exit), each with one line when a
 *       sibling is skipped.
 * </ul>
 * A sibling whose entries do not fit the restored network changes nothing and fails the restore as any hook
 * failure does: in code the {@code restore*} call throws a {@link QuantizationException}, under the agent it is one
 * line.
 */
public final class SiblingStateFile {

  private static final String SUFFIX = ".quant4j.json";

  private static volatile Consumer<String> lines =
      line -> LoggerFactory.getLogger(SiblingStateFile.class).warn("quant4j: {}", line);
  private static volatile String noReadingBecause;
  private static volatile String noWritingBecause;

  private SiblingStateFile() {}

  /**
   * The sibling state file of a model file.
   *
   * @param modelFile the DL4J model zip
   * @return {@code <modelFile>.quant4j.json} in the same directory
   */
  public static Path of(Path modelFile) {
    return modelFile.resolveSibling(modelFile.getFileName() + SUFFIX);
  }

  /**
   * Where the one-line notes about skipped siblings go (the agent sends them to stderr); SLF4J by default.
   *
   * @param sink receives one line per note
   */
  public static void reportTo(Consumer<String> sink) {
    lines = sink == null ? line -> LoggerFactory.getLogger(SiblingStateFile.class).warn("quant4j: {}", line) : sink;
  }

  /**
   * Stops reading siblings in this JVM.
   *
   * @param because why, for the note, e.g. {@code amax=amax.json was given}; null to read them again
   */
  public static void skipReading(String because) {
    noReadingBecause = because;
  }

  /**
   * Stops writing siblings in this JVM.
   *
   * @param because why, for the note; null to write them again
   */
  public static void skipWriting(String because) {
    noWritingBecause = because;
  }

  /**
   * Writes a network's state beside the model file it was just saved to, when it has quantizers: what the woven
   * {@code ModelSerializer.writeModel} calls.
   *
   * @param model the network saved
   * @param modelFile the model zip
   * @throws IOException if the sibling cannot be written
   */
  public static void written(Model model, Path modelFile) throws IOException {
    if (Quantizers.of(model).isEmpty()) {
      return;
    }
    Path sibling = of(modelFile);
    String because = noWritingBecause;
    if (because != null) {
      lines.accept(sibling + " not written: " + because);
      return;
    }
    QuantState.save(model, sibling);
  }

  /**
   * Loads the sibling's state into a network just restored from a model file, when there is a sibling, the network
   * has quantizers, and the sibling is neither stale nor turned off: what the woven {@code ModelSerializer.restore*}
   * calls.
   *
   * @param model the restored network
   * @param modelFile the model zip
   * @throws IOException if the sibling cannot be read
   * @throws IllegalArgumentException if the sibling is invalid or does not fit the network (nothing is loaded)
   */
  public static void restored(Model model, Path modelFile) throws IOException {
    Path sibling = of(modelFile);
    if (!Files.isRegularFile(sibling) || Quantizers.of(model).isEmpty()) {
      return;
    }
    String because = noReadingBecause;
    if (because != null) {
      lines.accept(sibling + " not read: " + because);
      return;
    }
    if (Files.getLastModifiedTime(sibling).compareTo(Files.getLastModifiedTime(modelFile)) < 0) {
      lines.accept(sibling + " not read: it is older than " + modelFile.getFileName()
          + ", which was saved again without it");
      return;
    }
    Map<String, QuantizerState> entries;
    try {
      entries = QuantStateFile.read(sibling, lines).quantizers();
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(sibling.toString()) ? e
          : new IllegalArgumentException(sibling + ": " + e.getMessage(), e);
    }
    QuantState.Plan plan = QuantState.plan(model, entries);
    if (!plan.refused().isEmpty()) {
      throw new IllegalArgumentException(sibling + " does not fit the restored network, nothing was loaded: "
          + String.join("; ", plan.refused()));
    }
    if (!plan.unknown().isEmpty() || !plan.missing().isEmpty()) {
      lines.accept(sibling + " does not name the same quantizers as the restored network (in the file only: "
          + plan.unknown() + "; in the network only: " + plan.missing() + "); the " + plan.loadable()
          + " that match are loaded");
    }
    plan.apply();
  }
}
