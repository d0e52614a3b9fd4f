package org.quant4j.dl4j.internal;

import java.io.File;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.SiblingStateFile;

/**
 * What the advice woven into DL4J's {@code ModelSerializer} calls: a model written to a file gets its quantizer
 * state written beside it ({@code <file>.quant4j.json}), and a model restored from a file gets it back, by
 * {@link SiblingStateFile}'s rules.
 */
public final class ModelSerializerHooks {

  private ModelSerializerHooks() {}

  /**
   * Called after ModelSerializer wrote a model to a file: writes the quantizer state beside it
   * ({@code <file>.quant4j.json}) when the model has quantizers.
   *
   * @param model the model written
   * @param file the model file ({@code File} or path {@code String})
   */
  public static void afterModelWritten(Object model, Object file) {
    try {
      if (model instanceof Model m && file != null) {
        SiblingStateFile.written(m, new File(file.toString()).toPath());
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
        SiblingStateFile.restored(m, new File(file.toString()).toPath());
      }
    } catch (Throwable t) {
      HookFailures.failed("the quantizer state of " + file, "restoring it from its .quant4j.json sibling", t);
    }
  }
}
