package org.quant4j.agent;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.matcher.ElementMatcher;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.QuantStateFile;
import org.quant4j.dl4j.SiblingStateFile;
import org.quant4j.dl4j.internal.QuantInstrumentations;
import org.quant4j.tensor.internal.HostKernels;

/**
 * The {@code -javaagent} (premain) and dynamic-attach (agentmain) entry points. Both parse the arguments, read the
 * files they name and only then install anything. A bad argument or file is one line on stderr; then a
 * {@code -javaagent} start stops the application before it runs (exit status {@value OnError#EXIT_STATUS}) unless
 * {@code onerror=warn} is given, which lets it run unquantized; an agent attached to a running application never
 * stops it. Then the agent installs {@code org.quant4j.dl4j}'s layer advice (the same advice
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
    start(arguments, instrumentation, true);
  }

  /**
   * The dynamic-attach entry point. DL4J classes already loaded are retransformed; networks initialised from now
   * on are quantized (layers built before the attach have no quantizers).
   *
   * @param arguments the agent arguments, or null
   * @param instrumentation the JVM's instrumentation
   */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, false);
  }

  private static void start(String arguments, Instrumentation instrumentation, boolean beforeMain) {
    if (!STARTED.compareAndSet(false, true)) {
      AgentLog.warn("already running in this JVM; the second start (" + arguments + ") is ignored");
      return;
    }
    boolean stopOnError = beforeMain && AgentOptionsParser.onError(arguments) == OnError.EXIT;
    AgentOptions options;
    try {
      options = AgentOptionsParser.parse(arguments);
    } catch (AgentOptionsException e) {
      configurationError(e.getMessage(), stopOnError);
      return;
    }
    AgentLog.verbose(options.verbose());
    if (!Dl4jVisibility.onApplicationClassPath()) {
      configurationError("DL4J is not on the application class path (no " + Dl4jVisibility.PROBE + "); the agent "
          + "needs DL4J and its SLF4J API there (-cp, or the Class-Path of the -jar's manifest)", stopOnError);
      return;
    }
    // the same line quant4j logs at INFO, on stderr whatever the application's logging does
    HostKernels.scalarNotice().ifPresent(line -> AgentLog.warn(line.replaceFirst("^quant4j: ", "")));
    QuantConfig config;
    QuantStateFile state;
    try {
      config = config(options);
      state = options.mode() == AgentMode.QUANT && options.amax() != null
          ? QuantStateFile.read(options.amax(), AgentLog::warn) : null;
    } catch (IOException | RuntimeException e) {
      configurationError(e instanceof IllegalArgumentException ? e.getMessage() : AgentLog.describe(e), stopOnError);
      return;
    }
    keepByteBuddyOffUnsafe();
    try {
      AgentSession session = new AgentSession(options, state, stopOnError);
      NetworkHooks.connect(session);
      siblingFiles(options);
      // Only class loaders that can see the agent's hooks get woven classes (the one builder, types described from
      // their class files, as in-process).
      Dl4jVisibility visibility = new Dl4jVisibility(Quant4jAgent.class.getClassLoader());
      if (beforeMain) {
        // Before main only the JDK's and the agent's own classes are loaded, none of which is ever woven: nothing to
        // retransform. The DL4J classes this jar was built against come woven in it (verbose leaves every class to
        // Byte Buddy, whose listener names each); Byte Buddy's machinery is built only for others.
        QuantModules.installBeforeMain(instrumentation, config, () -> builder(visibility, options.verbose()),
            NetworkInstrumentation.TYPE_NAMES, !options.verbose(), AgentLog::warn);
      } else {
        QuantModules.install(instrumentation, config, builder(visibility, options.verbose()), AgentLog::warn);
      }
      if (options.mode() == AgentMode.CALIBRATE) {
        Runtime.getRuntime().addShutdownHook(new Thread(new ExitCalibration(session), "quant4j-agent-calibration"));
        AgentLog.warn("calibrating: the amax is written to " + options.amax() + " when the JVM exits (normally, "
            + "System.exit, an uncaught exception, SIGTERM; not after SIGKILL or a native crash)");
      }
      AgentLog.info("started with " + options.toArgumentString());
    } catch (RuntimeException | LinkageError e) {
      NetworkHooks.connect(null);
      AgentLog.warn("not started: " + AgentLog.describe(e) + "; the application runs unquantized");
    }
  }

  /**
   * A configuration error: one line, then the application stops before it runs, or with {@code onerror=warn} (and
   * always for an attached agent) runs unquantized.
   */
  private static void configurationError(String problem, boolean stop) {
    if (stop) {
      AgentLog.warn(problem + "; the application is stopped before it runs, exit status " + OnError.EXIT_STATUS
          + " (fix it, or add onerror=warn to run the application unquantized)");
      Runtime.getRuntime().exit(OnError.EXIT_STATUS);
    }
    AgentLog.warn(problem + "; the agent is off and the application runs unquantized");
  }

  /**
   * The {@code <model>.quant4j.json} files beside saved models: an explicit {@code amax=} wins over them, a
   * calibration starts afresh and writes its result to {@code amax=} only; their lines go to stderr.
   */
  private static void siblingFiles(AgentOptions options) {
    SiblingStateFile.reportTo(AgentLog::warn);
    if (options.mode() == AgentMode.CALIBRATE) {
      SiblingStateFile.skipReading("mode=calibrate calibrates the network as DL4J restores it");
      SiblingStateFile.skipWriting("mode=calibrate writes the calibrated state to amax=" + options.amax()
          + " at exit");
    } else if (options.amax() != null) {
      SiblingStateFile.skipReading("amax=" + options.amax() + " was given, and it wins");
    }
  }

  /**
   * The agent's builder: the layer advice and the network hooks in one transformer, so every class that loads is
   * matched once; the build weaves the prewoven class files with it.
   *
   * @param wovenLoaders the class loaders whose classes may be woven
   * @param verbose whether each transformation is listed on stderr
   */
  static AgentBuilder builder(ElementMatcher<? super ClassLoader> wovenLoaders, boolean verbose) {
    AgentBuilder builder = QuantInstrumentations.agentBuilder(wovenLoaders);
    AgentBuilder b = verbose
        ? builder.with(AgentBuilder.Listener.StreamWriting.toSystemError().withTransformationsOnly()) : builder;
    return b.type(namedOneOf(NetworkInstrumentation.TYPE_NAMES.toArray(new String[0])))
        .transform(NetworkInstrumentation.transformer());
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

  private static QuantConfig config(AgentOptions options) throws IOException {
    QuantConfig config;
    try {
      config = options.config() == null ? QuantConfig.DEFAULT : QuantConfig.load(options.config());
    } catch (IllegalArgumentException e) {
      // the message starts with the file's name
      throw new IllegalArgumentException("config=" + e.getMessage(), e);
    }
    if (options.calib() == null) {
      return config;
    }
    QuantSpec calib = QuantSpec.builder().calibMethod(options.calib()).build();
    return config.toBuilder().input(config.input().overlay(calib)).build();
  }
}
