package org.quant4j.dl4j.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;

/**
 * What the advice woven into DL4J's {@code ModelSerializer} calls: a model written to a file gets its quantizer
 * state written beside it ({@code <file>.quant4j.json}), and a model restored from a file gets it back.
 */
public final class ModelSerializerHooks {

  private static final String SIBLING_SUFFIX = ".quant4j.json";

  private ModelSerializerHooks() {}

  /**
   * The sibling file in which a model file's quantizer state is kept: {@code <model file>.quant4j.json}.
   *
   * @param modelFile the DL4J model zip
   * @return the sibling path
   */
  public static Path siblingStateFile(Path modelFile) {
    return modelFile.resolveSibling(modelFile.getFileName() + SIBLING_SUFFIX);
  }

  /**
   * Called after ModelSerializer wrote a model to a file: writes the quantizer state beside it
   * ({@code <file>.quant4j.json}) when the model has quantizers.
   *
   * @param model the model written
   * @param file the model file ({@code File} or path {@code String})
   */
  public static void afterModelWritten(Object model, Object file) {
    try {
      if (model instanceof Model m && file != null && !Quantizers.of(m).isEmpty()) {
        QuantState.save(m, ModelSerializerHooks.siblingStateFile(new File(file.toString()).toPath()));
      }
    } catch (Throwable t) {
      HookFailures.failed("the quantizer state of " + file, "saving it beside the model", t);
    }
  }

  /**
   * Called after ModelSerializer restored a model from a file: loads the quantizer state from the
   * sibling file when there is one.
   *
   * @param model the restored model
   * @param file the model file
   */
  public static void afterModelRestored(Object model, Object file) {
    try {
      if (model instanceof Model m && file != null) {
        Path sibling = ModelSerializerHooks.siblingStateFile(new File(file.toString()).toPath());
        if (Files.isRegularFile(sibling)) {
          QuantState.load(m, sibling, false);
        }
      }
    } catch (Throwable t) {
      HookFailures.failed("the quantizer state of " + file, "restoring it from " + SIBLING_SUFFIX, t);
    }
  }
}
