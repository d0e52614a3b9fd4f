package org.quant4j.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.loading.ClassInjector;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;

/**
 * The {@code -javaagent} (premain) and dynamic-attach (agentmain) entry points. Both parse the arguments, read the
 * files they name and only then install anything: a bad argument or file is one line on stderr and the
 * application runs unquantized. Then the agent installs {@code org.quant4j.dl4j}'s layer advice (the same advice
 * {@code QuantModules.initialize()} installs in-process, through the instrumentation the JVM gives the agent rather
 * than a self-attach) and its own network advice ({@link NetworkInstrumentation}); in calibrate mode it also adds
 * the shutdown hook that writes the amax file ({@link ExitCalibration}).
 */
public final class Quant4jAgent {
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private Quant4jAgent() {}

  /**
   * The {@code -javaagent:quant4j-agent.jar[=key=value,...]} entry point, run before the application's main.
   *
   * @param arguments the text after {@code =}, or null
   * @param instrumentation the JVM's instrumentation
   */
  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  /**
   * The dynamic-attach entry point. DL4J classes already loaded are retransformed; networks initialised from now
   * on are quantized (layers built before the attach have no quantizers).
   *
   * @param arguments the agent arguments, or null
   * @param instrumentation the JVM's instrumentation
   */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  private static void start(String arguments, Instrumentation instrumentation) {
    if (!STARTED.compareAndSet(false, true)) {
      AgentLog.warn("already running in this JVM; the second start (" + arguments + ") is ignored");
      return;
    }
    AgentOptions options;
    try {
      options = AgentOptionsParser.parse(arguments);
    } catch (AgentOptionsException e) {
      AgentLog.warn(e.getMessage() + "; the agent is off and the application runs unquantized");
      return;
    }
    AgentLog.verbose(options.verbose());
    keepByteBuddyOffUnsafe();
    try {
      QuantConfig config = config(options);
      AmaxFile amax = options.mode() == AgentMode.QUANT && options.amax() != null
          ? AmaxFile.read(options.amax()) : null;
      AgentSession session = new AgentSession(options, amax);
      NetworkHooks.connect(session);
      Dl4jVisibility visible = new Dl4jVisibility(Quant4jAgent.class.getClassLoader());
      UnaryOperator<AgentBuilder> customize = builder -> {
        // Describe types from their class files, never by reflection: reflecting on a loaded class (retransformed
        // after a dynamic attach) loads the types its methods name, inside the transformer, where Byte Buddy's
        // circularity guard lets them load unwoven (MultiLayerNetwork.toComputationGraph() loads ComputationGraph).
        AgentBuilder b = builder.with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY).ignore(any(), not(visible));
        return options.verbose() ? b.with(AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()) : b;
      };
      customize.apply(newBuilder())
          .type(NetworkInstrumentation.types())
          .transform(NetworkInstrumentation.transformer())
          .installOn(instrumentation);
      QuantModules.install(instrumentation, config, customize, AgentLog::warn);
      if (options.mode() == AgentMode.CALIBRATE) {
        Runtime.getRuntime().addShutdownHook(new Thread(new ExitCalibration(session), "quant4j-agent-calibration"));
        AgentLog.warn("calibrating: the amax is written to " + options.amax() + " when the JVM exits (normally, "
            + "System.exit, an uncaught exception, SIGTERM; not after SIGKILL or a native crash)");
      }
      AgentLog.info("started with " + options.toArgumentString());
    } catch (IOException | RuntimeException | LinkageError e) {
      NetworkHooks.connect(null);
      AgentLog.warn("not started: " + AgentLog.describe(e) + "; the application runs unquantized");
    }
  }

  /**
   * Byte Buddy's agent builder reaches for {@code sun.misc.Unsafe} when it is created (to prepare class injection,
   * which advice inlining never uses), and JDK 24+ warns about that on stderr. Byte Buddy's "safe" property turns
   * that off. In the agent jar the property's name is relocated with Byte Buddy, so this affects only the agent's own
   * copy, never a Byte Buddy the application has.
   */
  private static void keepByteBuddyOffUnsafe() {
    if (System.getProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY) == null) {
      System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    }
  }

  private static AgentBuilder newBuilder() {
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
        .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module,
              boolean loaded, Throwable throwable) {
            AgentLog.warn(typeName + " left as it was: it could not be transformed: " + AgentLog.describe(throwable));
          }
        });
  }

  private static QuantConfig config(AgentOptions options) throws IOException {
    QuantConfig config;
    try {
      config = options.config() == null ? QuantConfig.DEFAULT : QuantConfig.load(options.config());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("config=" + options.config() + ": " + e.getMessage(), e);
    }
    if (options.calib() == null) {
      return config;
    }
    QuantSpec calib = new QuantSpec(null, null, null, options.calib(), null, null, null, null, null);
    return config.toBuilder().input(config.input().overlay(calib)).build();
  }
}
