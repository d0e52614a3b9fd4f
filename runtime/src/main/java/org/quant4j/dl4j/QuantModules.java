package org.quant4j.dl4j;

import static net.bytebuddy.matcher.ElementMatchers.any;

import java.lang.instrument.Instrumentation;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import org.quant4j.dl4j.internal.QuantInstrumentations;
import org.quant4j.dl4j.internal.HookFailures;
import org.quant4j.dl4j.internal.ActiveConfig;
import org.quant4j.dl4j.internal.LoadTimeWeaver;
import org.quant4j.dl4j.internal.PrewovenClassFiles;

/**
 * The Java {@code quant_modules}: after {@link #initialize()}, every DL4J layer of the layer map that
 * is instantiated (by {@code MultiLayerNetwork.init()} / {@code ComputationGraph.init()}, or by
 * {@code ModelSerializer}) carries {@code TensorQuantizer}s, found with {@link Quantizers#of}.
 *
 * <p>The first call self-attaches (byte-buddy-agent) and weaves quant4j's advice into DL4J's classes,
 * retransforming those already loaded; this happens once per JVM. {@link #deactivate()} restores
 * plain behaviour for layers built afterwards, as the reference's {@code deactivate()} restores the
 * torch classes; layers built while active keep their quantizers (disable them with
 * {@code TensorQuantizer.disable()} to run in float).
 *
 * <p>A layer that cannot be quantized as configured never runs in float unnoticed: the DL4J call that
 * ran it ({@code init}, {@code output}, {@code fit}, ...) throws a {@link QuantizationException}.
 */
public final class QuantModules {

  private static boolean installed;

  private QuantModules() {}

  /** Activates quantization with the reference defaults (no residual quantizers). */
  public static void initialize() {
    initialize(QuantConfig.DEFAULT);
  }

  /**
   * Activates quantization with a configuration: layers built from now on get quantizers as the
   * configuration says. Calling it again replaces the configuration for later layers.
   *
   * @param config the configuration
   * @throws IllegalArgumentException if config is null
   * @throws IllegalStateException if the JVM does not allow attaching an agent to itself
   */
  public static synchronized void initialize(QuantConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    if (!installed) {
      install(ByteBuddyAgent.install(), config, QuantInstrumentations.agentBuilder(any()), null);
    } else {
      ActiveConfig.activate(config);
    }
  }

  /**
   * Weaves the advice through a given instrumentation and activates a configuration: what the
   * agent's premain/agentmain call. Idempotent: a second call only replaces the configuration.
   *
   * @param instrumentation the JVM's instrumentation
   * @param config the configuration
   * @param builder the agent builder ({@code QuantInstrumentations.agentBuilder}, the one factory for both
   *     installers), with any listener the caller adds
   * @param leaveInFloat null to fail the user's call with a {@link QuantizationException} when a layer
   *     cannot be quantized; otherwise that layer is left in float and this receives one line saying so
   *     (the agent, whose application cannot catch anything, prints it on stderr)
   */
  public static synchronized void install(Instrumentation instrumentation, QuantConfig config,
      AgentBuilder builder, Consumer<String> leaveInFloat) {
    if (config == null) {
      throw new IllegalArgumentException("config must not be null");
    }
    HookFailures.reportTo(leaveInFloat);
    ActiveConfig.activate(config);
    if (!installed) {
      QuantInstrumentations.install(instrumentation, builder);
      installed = true;
    }
  }

  /**
   * Activates a configuration and weaves the advice into classes as they load, the way an agent's premain needs
   * it: the classes to weave are picked by name, DL4J classes the caller's jar holds woven from the very same class
   * files are served as they are, and Byte Buddy's transformer is built (on a daemon thread, which the class that
   * needs it waits for) only when some class must be woven now. Nothing loaded before is retransformed. Idempotent
   * like {@link #install}.
   *
   * @param instrumentation the JVM's instrumentation
   * @param config the configuration
   * @param builder makes the agent builder ({@code QuantInstrumentations.agentBuilder}, with the caller's own
   *     types and listeners); called at most once, on the daemon thread
   * @param moreTypeNames the binary names of the types the caller's builder adds
   * @param prewoven whether to serve the class files woven when the agent jar was built (false: Byte Buddy weaves
   *     every class, and its listeners see each one)
   * @param leaveInFloat receives one line for each layer left in float, and the one line saying the weaving
   *     could not start (the application then runs unquantized)
   */
  public static synchronized void installBeforeMain(Instrumentation instrumentation, QuantConfig config,
      Supplier<AgentBuilder> builder, Set<String> moreTypeNames, boolean prewoven, Consumer<String> leaveInFloat) {
    if (config == null || builder == null || leaveInFloat == null) {
      throw new IllegalArgumentException("config, builder and leaveInFloat must not be null");
    }
    HookFailures.reportTo(leaveInFloat);
    ActiveConfig.activate(config);
    if (!installed) {
      LoadTimeWeaver.start(instrumentation, moreTypeNames,
          prewoven ? PrewovenClassFiles.in(LoadTimeWeaver.class.getClassLoader()) : PrewovenClassFiles.none(),
          () -> QuantInstrumentations.transformer(builder.get()), leaveInFloat);
      installed = true;
    }
  }

  /** Stops giving quantizers to layers built from now on. */
  public static synchronized void deactivate() {
    ActiveConfig.deactivate();
  }

  /**
   * Whether layers built now get quantizers.
   *
   * @return true between {@link #initialize()} and {@link #deactivate()}
   */
  public static boolean isActive() {
    return ActiveConfig.get() != null;
  }

  /**
   * The configuration layers built now get their quantizers from, so that code which builds a network under
   * a configuration of its own can put the caller's back afterwards.
   *
   * @return the active configuration, or null when quant modules are not active
   */
  public static QuantConfig activeConfig() {
    return ActiveConfig.get();
  }
}
