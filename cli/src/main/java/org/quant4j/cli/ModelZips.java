package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.QuantizationException;
import org.quant4j.dl4j.SiblingStateFile;

/**
 * Reads the DL4J model zip a command was given ({@code ModelSerializer}: a MultiLayerNetwork or a
 * ComputationGraph). A missing, empty, truncated or foreign file is one {@link IllegalArgumentException}
 * naming the option, the file and what is wrong, never DL4J's stack trace; so is a quantizer-state file beside the
 * zip ({@code <zip>.quant4j.json}) that does not fit the network.
 */
final class ModelZips {

  private ModelZips() {}

  /**
   * Restores a network with quantizers from a configuration (or without any), the state file beside the zip
   * left unread; quant modules are off again afterwards.
   *
   * @param option the option that gave the file, e.g. {@code --model}
   * @param zip the file
   * @param config the configuration its quantizers come from, or null for the float network
   * @param why why the state file beside the zip is not read, for the note it prints when there is one
   * @return the network
   * @throws IllegalArgumentException as {@link #restore}
   */
  static Model restoreUnder(String option, Path zip, QuantConfig config, String why) {
    if (config == null) {
      QuantModules.deactivate();
    } else {
      QuantModules.initialize(config);
    }
    SiblingStateFile.skipReading(why);
    try {
      return restore(option, zip);
    } finally {
      QuantModules.deactivate();
      SiblingStateFile.skipReading(null);
    }
  }

  /**
   * Restores a network with quantizers and loads an amax file that must cover every quantizer.
   *
   * @param zip the model zip ({@code --model})
   * @param config the {@code --config} file, or null for {@link ExportCommand#forAmax}'s default
   * @param amax the amax file ({@code --amax})
   * @return the calibrated network
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException naming the quantizers the amax file lacks, or what else does not fit
   */
  static Model restoreWithAmax(Path zip, Path config, Path amax) throws IOException {
    Model net = restoreUnder("--model", zip, ExportCommand.forAmax(config, amax), "--amax " + amax + " was given");
    List<String> missing = QuantState.plan(net, QuantStateFile.readQuantizers(amax)).missing();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("--amax " + amax + " has no amax for " + missing.size()
          + " quantizer(s) of the model: " + String.join(", ", missing)
          + "; calibrate this model (quant4j calibrate) and pass its amax file");
    }
    QuantState.load(net, amax);
    return net;
  }

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
