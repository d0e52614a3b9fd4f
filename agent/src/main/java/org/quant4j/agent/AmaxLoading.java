package org.quant4j.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.QuantizerState;
import org.quant4j.dl4j.Quantizers;

/**
 * Quant mode: loads the state file's entries for a network ({@link QuantStateFile#quantizersOf}) when the network
 * first runs, all checked first ({@link QuantState#plan}). An entry that cannot be loaded (its amax does not fit the
 * quantizer, it was saved from another kind of quantizer, the network has no quantizer of that name) is one line
 * each; then, unless {@code onerror=warn}, one more line and the application stops before this forward pass. The
 * network's quantizers the file does not name keep dynamic amax, listed on one line.
 */
final class AmaxLoading {
  private AmaxLoading() {}

  /**
   * Loads a network's entries.
   *
   * @param network the tracked network
   * @param model the network itself
   * @param file the state file's content
   * @param path the state file, for messages
   * @param stopOnError whether an entry that cannot be loaded stops the application
   * @return false when the application must stop (nothing was loaded then); true when it runs on
   */
  static boolean load(TrackedNetwork network, Model model, QuantStateFile file, Path path, boolean stopOnError) {
    Map<String, QuantizerState> entries = file.quantizersOf(network.label());
    QuantState.Plan plan = QuantState.plan(model, entries);
    for (String refused : plan.refused()) {
      AgentLog.warn(path + ": " + network.label() + "." + refused);
    }
    for (String name : plan.unknown()) {
      AgentLog.warn(path + ": " + network.fullName(name) + ": " + network.label() + " ("
          + model.getClass().getSimpleName() + ") has no such quantizer");
    }
    int problems = plan.refused().size() + plan.unknown().size();
    if (problems > 0 && stopOnError) {
      AgentLog.warn(network.label() + ": " + path + " does not fit it (" + problems + " problem(s) above); the "
          + "application is stopped before its first forward pass, exit status " + OnError.EXIT_STATUS
          + " (fix the file, or add onerror=warn to run with those quantizers left at dynamic amax)");
      return false;
    }
    if (!plan.missing().isEmpty()) {
      AgentLog.warn(network.label() + ": " + plan.missing().size() + " quantizer(s) not in " + path
          + ", left at dynamic amax: " + String.join(", ", fullNames(network, plan.missing())));
    }
    int loaded = plan.apply();
    if (problems > 0) {
      AgentLog.warn(network.label() + ": " + problems + " entr" + (problems == 1 ? "y" : "ies") + " of " + path
          + " not loaded (onerror=warn); their quantizers keep dynamic amax");
    }
    AgentLog.info(network.label() + ": loaded the state of " + loaded + " of " + Quantizers.of(model).size()
        + " quantizers from " + path);
    return true;
  }

  private static List<String> fullNames(TrackedNetwork network, List<String> names) {
    return names.stream().map(network::fullName).toList();
  }
}
