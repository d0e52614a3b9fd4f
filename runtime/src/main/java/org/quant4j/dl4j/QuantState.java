package org.quant4j.dl4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.internal.LayerCoverage;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads the state of a network's quantizers (every flag, the descriptor and the amax, per-channel
 * included, bit for bit) in the one state format, {@link QuantStateFile} ({@value QuantStateFile#FORMAT}), keyed by
 * quantizer name. The agent and the command line read and write the same files.
 *
 * <p>Loading is all or nothing: every entry is checked against the network first (the name exists, the descriptor
 * is the quantizer's, the amax fits the quantizer), and only when all pass is anything changed. {@link #plan} does
 * the checking for callers that decide for themselves what a problem means (the agent).
 *
 * <p>With {@code ModelSerializer} under quant4j, the state is also kept in a sibling file
 * {@code <model>.quant4j.json}, written and read by the woven {@code writeModel}/{@code restore*} file overloads
 * ({@link SiblingStateFile}); the DL4J zip stays untouched.
 */
public final class QuantState {

  private static final Logger LOG = LoggerFactory.getLogger(QuantState.class);

  private QuantState() {}

  /**
   * Writes the quantizer state of a network, atomically.
   *
   * @param model the network
   * @param file the JSON file to write; its directory must exist
   * @throws IOException if the file cannot be written (an existing file is then unchanged)
   * @throws IllegalArgumentException if an argument is null, or a quantizer's amax is not finite or is negative
   *     (naming the quantizer)
   */
  public static void save(Model model, Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    QuantStateFile.of(capture(model)).write(file);
  }

  /**
   * The state of every quantizer of a network, as {@link #save} writes it.
   *
   * @param model the network
   * @return each quantizer's state by name, in forward order
   * @throws IllegalArgumentException if a quantizer's amax is not finite or is negative, naming the quantizer
   */
  public static Map<String, QuantizerState> capture(Model model) {
    Map<String, QuantizerState> states = new LinkedHashMap<>();
    Quantizers.of(model).forEach((name, q) -> {
      try {
        states.put(name, QuantizerState.of(q));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage() + "; its state cannot be saved", e);
      }
    });
    return states;
  }

  /**
   * Loads quantizer state strictly: the file must name exactly the model's quantizers, each entry must fit, and
   * nothing changes unless all do.
   *
   * @param model the network
   * @param file a state file holding one network (a per-network file of the agent with exactly one network is
   *     accepted; old formats are read with a warning)
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is invalid, names differ (the message lists them) or an entry
   *     does not fit its quantizer (the message names it); the model is then unchanged
   */
  public static void load(Model model, Path file) throws IOException {
    load(model, file, true);
  }

  /**
   * Loads quantizer state. Every entry the model has a quantizer for must fit it, or nothing changes. Names only in
   * the file or only in the model are an error listing them when {@code strict}, a warning otherwise (the
   * quantizers named in both are loaded).
   *
   * @param model the network
   * @param file a state file holding one network
   * @param strict whether mismatched names are an error
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the file is invalid, an entry does not fit its quantizer, or strict and
   *     names differ; the model is then unchanged
   */
  public static void load(Model model, Path file, boolean strict) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    Map<String, QuantizerState> entries = QuantStateFile.readQuantizers(file);
    Plan plan = plan(model, entries);
    if (!plan.refused().isEmpty()) {
      throw new IllegalArgumentException(file + " does not fit the model, nothing was loaded: "
          + String.join("; ", plan.refused()));
    }
    if (!plan.unknown().isEmpty() || !plan.missing().isEmpty()) {
      String msg = "quantizer names in " + file + " do not match the model: in the file but not the model "
          + plan.unknown() + "; in the model but not the file " + plan.missing();
      if (strict) {
        throw new IllegalArgumentException(msg + " (nothing was loaded)");
      }
      LOG.warn("quant4j: {} (loading the {} that match)", msg, plan.loadable());
    }
    plan.apply();
  }

  /**
   * Checks state entries against a network without changing it.
   *
   * @param model the network
   * @param entries quantizer states by name (e.g. {@link QuantStateFile#quantizers()})
   * @return what loading them would do, and what would be refused
   */
  public static Plan plan(Model model, Map<String, QuantizerState> entries) {
    return new Plan(model, entries);
  }

  /**
   * What loading state entries into a network does, checked before anything changes: the entries that would be
   * refused (with why), the names the network lacks, the quantizers the entries do not name, and
   * {@link #apply()} for the rest.
   */
  public static final class Plan {
    private final Map<TensorQuantizer, QuantizerState> loadable = new LinkedHashMap<>();
    private final List<String> refused = new ArrayList<>();
    private final List<String> unknown = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    private Plan(Model model, Map<String, QuantizerState> entries) {
      Map<String, TensorQuantizer> quantizers = Quantizers.of(model);
      Map<TensorQuantizer, long[]> weightShapes = weightShapes(model);
      for (Map.Entry<String, TensorQuantizer> e : quantizers.entrySet()) {
        QuantizerState s = entries.get(e.getKey());
        if (s == null) {
          missing.add(e.getKey());
          continue;
        }
        String why = misfit(e.getValue(), s, weightShapes.get(e.getValue()));
        if (why == null) {
          loadable.put(e.getValue(), s);
        } else {
          refused.add(e.getKey() + ": " + why);
        }
      }
      for (String name : entries.keySet()) {
        if (!quantizers.containsKey(name)) {
          unknown.add(name);
        }
      }
    }

    /**
     * The entries that do not fit their quantizer, one line each.
     *
     * @return e.g. {@code hidden2._weight_quantizer: amax shape [1, 7] does not fit ...}
     */
    public List<String> refused() {
      return Collections.unmodifiableList(refused);
    }

    /**
     * The entry names the network has no quantizer for.
     *
     * @return the names in entry order
     */
    public List<String> unknown() {
      return Collections.unmodifiableList(unknown);
    }

    /**
     * The network's quantizers the entries do not name (they are left as they are).
     *
     * @return the names in forward order
     */
    public List<String> missing() {
      return Collections.unmodifiableList(missing);
    }

    /**
     * How many entries {@link #apply()} loads.
     *
     * @return the number of entries that fit
     */
    public int loadable() {
      return loadable.size();
    }

    /**
     * Loads every entry that fits: its amax, then its flags; what an entry lacks is left as it is. Amax arrays are
     * created outside any workspace, so they outlive the forward pass this may run in.
     *
     * @return the number of quantizers loaded
     */
    public int apply() {
      try (MemoryWorkspace detached = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        loadable.forEach(Plan::load);
      }
      return loadable.size();
    }

    private static void load(TensorQuantizer q, QuantizerState s) {
      s.amax().ifPresent(a -> q.setAmax(a.toArray()));
      s.flags().ifPresent(f -> {
        if (f.clip() != q.isClipEnabled()) {
          if (f.clip()) {
            q.enableClip();
          } else {
            q.disableClip();
          }
        }
        set(f.quant(), q::enableQuant, q::disableQuant);
        set(f.calib(), q::enableCalib, q::disableCalib);
        set(f.enabled(), q::enable, q::disable);
      });
    }

    private static void set(boolean on, Runnable enable, Runnable disable) {
      (on ? enable : disable).run();
    }
  }

  /** Why a state does not fit a quantizer, or null when it fits. */
  private static String misfit(TensorQuantizer q, QuantizerState s, long[] weightShape) {
    QuantDescriptor own = q.descriptor();
    if (s.descriptor().isPresent() && !sameGrid(s.descriptor().get(), own)) {
      return "saved from a " + grid(s.descriptor().get()) + " quantizer, this one is " + grid(own)
          + " (load it into a network built with the QuantConfig it was saved from)";
    }
    if (s.flags().isPresent() && s.flags().get().clip() && !own.learnAmax()) {
      return "clip is true, but the quantizer does not learn amax";
    }
    if (s.amax().isEmpty()) {
      return null;
    }
    QuantizerState.Amax a = s.amax().get();
    INDArray current = q.amax();
    if (current != null) {
      return Arrays.equals(current.shape(), a.shape()) ? null : "amax shape " + Arrays.toString(a.shape())
          + " differs from the shape of the quantizer's amax, " + Arrays.toString(current.shape());
    }
    if (own.isPerTensor() || own.learnAmax()) {
      return a.size() == 1 ? null : "amax has " + a.size() + " values, but the quantizer is per tensor";
    }
    if (weightShape == null || a.size() == 1) {
      return null;
    }
    long[] expected = channelShape(weightShape, own.axis());
    if (expected == null) {
      return "axis " + own.axisRepr() + " is out of range for the weight " + Arrays.toString(weightShape);
    }
    return Arrays.equals(expected, alignedTo(a.shape(), expected.length)) ? null : "amax shape "
        + Arrays.toString(a.shape()) + " does not fit the weight " + Arrays.toString(weightShape)
        + " quantized per channel on axis " + own.axisRepr() + " (expected " + Arrays.toString(expected) + ")";
  }

  /** A shape as broadcasting sees it against a tensor of a rank: left-padded with 1s; null if its rank is higher. */
  private static long[] alignedTo(long[] shape, int rank) {
    if (shape.length > rank) {
      return null;
    }
    long[] aligned = new long[rank];
    Arrays.fill(aligned, 1);
    System.arraycopy(shape, 0, aligned, rank - shape.length, shape.length);
    return aligned;
  }

  private static boolean sameGrid(QuantDescriptor a, QuantDescriptor b) {
    return grid(a).equals(grid(b));
  }

  private static String grid(QuantDescriptor d) {
    return (d.unsigned() ? "unsigned " : "") + d.bitsText() + "-bit " + (d.fakeQuant() ? "" : "real ")
        + (d.narrowRange() ? "narrow-range " : "") + (d.isPerTensor() ? "per-tensor" : "axis=" + d.axisRepr());
  }

  /** The per-channel amax shape of a weight: its own size on the channel axes, 1 elsewhere; null if out of range. */
  private static long[] channelShape(long[] weightShape, int[] axes) {
    long[] shape = new long[weightShape.length];
    Arrays.fill(shape, 1);
    for (int axis : axes) {
      int a = axis < 0 ? axis + weightShape.length : axis;
      if (a < 0 || a >= weightShape.length) {
        return null;
      }
      shape[a] = weightShape[a];
    }
    return shape;
  }

  /** The shape of the parameter each weight quantizer of a network quantizes. */
  private static Map<TensorQuantizer, long[]> weightShapes(Model model) {
    Map<TensorQuantizer, long[]> shapes = new IdentityHashMap<>();
    for (NetworkLayers.Part p : NetworkLayers.of(model)) {
      if (p.layer() != null) {
        shapes.putAll(LayerCoverage.weightShapes(p.layer()));
      }
    }
    return shapes;
  }
}
