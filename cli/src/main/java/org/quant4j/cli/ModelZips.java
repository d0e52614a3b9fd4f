package org.quant4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.dl4j.QuantizationException;

/**
 * Reads the DL4J model zip a command was given ({@code ModelSerializer}: a MultiLayerNetwork or a
 * ComputationGraph). A missing, empty, truncated or foreign file is one {@link IllegalArgumentException}
 * naming the option, the file and what is wrong, never DL4J's stack trace; so is a quantizer-state file beside the
 * zip ({@code <zip>.quant4j.json}) that does not fit the network.
 */
final class ModelZips {

  private ModelZips() {}

  /**
   * Restores the network in a ModelSerializer zip, without its updater state.
   *
   * @param option the option that gave the file, e.g. {@code --model}
   * @param zip the file
   * @return the MultiLayerNetwork or, if the zip holds none, the ComputationGraph
   * @throws IllegalArgumentException if the file is missing or is not a model zip DL4J can restore
   */
  static Model restore(String option, Path zip) {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalArgumentException(option + " " + zip + ": no such file, expected a DL4J model zip (ModelSerializer)");
    }
    if (!Files.isReadable(zip)) {
      throw new IllegalArgumentException(option + " " + zip + ": not readable");
    }
    try {
      return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
    } catch (QuantizationException siblingDoesNotFit) {
      throw new IllegalArgumentException(option + " " + zip + ": " + siblingDoesNotFit.getMessage(), siblingDoesNotFit);
    } catch (Exception notMultiLayer) {
      try {
        return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
      } catch (QuantizationException siblingDoesNotFit) {
        throw new IllegalArgumentException(option + " " + zip + ": " + siblingDoesNotFit.getMessage(),
            siblingDoesNotFit);
      } catch (Exception notGraph) {
        throw new IllegalArgumentException(option + " " + zip + " is not a DL4J model zip saved by ModelSerializer"
            + " (a MultiLayerNetwork or a ComputationGraph): " + FailureText.rootCause(notGraph));
      }
    }
  }
}
