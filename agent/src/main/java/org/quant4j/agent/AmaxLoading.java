package org.quant4j.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;

/**
 * Quant mode: gives a network's quantizers the amax the amax file holds for their full names. Quantizers the file
 * does not name keep dynamic amax; names the file holds for this network's prefix that the network lacks are listed
 * too; both on one line per network.
 */
final class AmaxLoading {
  private AmaxLoading() {}

  /**
   * Loads a network's amax.
   *
   * @param network the tracked network
   * @param model the network itself
   * @param file the amax file's content
   * @param path the amax file, for messages
   */
  static void load(TrackedNetwork network, Model model, AmaxFile file, Path path) {
    // A network's first forward pass may start inside one of DL4J's workspaces (training does): amax arrays must
    // outlive it.
    try (MemoryWorkspace detached = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      loadDetached(network, model, file, path);
    }
  }

  private static void loadDetached(TrackedNetwork network, Model model, AmaxFile file, Path path) {
    Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
    List<String> notInFile = new ArrayList<>();
    int loaded = 0;
    for (Map.Entry<String, TensorQuantizer> e : quantizers.entrySet()) {
      String name = network.prefix() + e.getKey();
      AmaxFile.Amax amax = file.get(name);
      if (amax == null) {
        notInFile.add(name);
        continue;
      }
      try {
        e.getValue().setAmax(toArray(amax));
        loaded++;
      } catch (RuntimeException ex) {
        AgentLog.warnOnce("amax:" + name, name + ": amax from " + path + " not applied, left dynamic: "
            + AgentLog.describe(ex));
      }
    }
    List<String> notInNetwork = new ArrayList<>();
    for (String name : file.quantizers().keySet()) {
      if (name.startsWith(network.prefix()) && !quantizers.containsKey(name.substring(network.prefix().length()))) {
        notInNetwork.add(name);
      }
    }
    if (!notInFile.isEmpty() || !notInNetwork.isEmpty()) {
      AgentLog.warn(network.label() + ": " + mismatch(notInFile, notInNetwork, path));
    }
    AgentLog.info(network.label() + ": loaded the amax of " + loaded + " of " + quantizers.size()
        + " quantizers from " + path);
  }

  private static String mismatch(List<String> notInFile, List<String> notInNetwork, Path path) {
    StringBuilder line = new StringBuilder();
    if (!notInFile.isEmpty()) {
      line.append(notInFile.size()).append(" quantizer(s) not in ").append(path).append(", left dynamic: ")
          .append(String.join(", ", notInFile));
    }
    if (!notInNetwork.isEmpty()) {
      line.append(line.length() == 0 ? "" : "; ").append(path).append(" names ").append(notInNetwork.size())
          .append(" quantizer(s) the network lacks: ").append(String.join(", ", notInNetwork));
    }
    return line.toString();
  }

  /**
   * An amax as the float32 array a quantizer takes.
   *
   * @param amax the file's amax
   * @return a scalar for shape {@code []}, otherwise an array of the shape
   */
  static INDArray toArray(AmaxFile.Amax amax) {
    long[] shape = amax.shape();
    float[] values = amax.values();
    return shape.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.create(values, shape, 'c');
  }

  /**
   * A quantizer's amax as the file keeps it.
   *
   * @param amax the quantizer's amax
   * @return its shape and float32 values in C order
   */
  static AmaxFile.Amax fromArray(INDArray amax) {
    INDArray f = amax.castTo(DataType.FLOAT).dup('c');
    return new AmaxFile.Amax(f.shape(), f.length() == 0 ? new float[0] : f.data().asFloat());
  }
}
