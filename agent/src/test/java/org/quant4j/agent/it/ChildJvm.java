package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a class in a child JVM the way a user runs their application: {@code java [-javaagent:...] -cp <DL4J and the
 * plain app> Main args}. The class path is the one Maven wrote for the plain app (DL4J, ND4J, the examples jar;
 * never quant4j itself), so everything quant4j must come from the agent jar. The JVM is the one running the tests
 * unless {@code -Dquant4j.it.java=/path/to/bin/java} names another (e.g. a JDK 25 to check warnings there).
 */
final class ChildJvm {
  private static final long TIMEOUT_SECONDS = 240;
  private static final Pattern ACCURACY = Pattern.compile("(?m)^accuracy=([0-9.]+)$");

  /**
   * What a child JVM did.
   *
   * @param exitCode its exit status
   * @param stdout what it printed on stdout
   * @param stderr what it printed on stderr
   */
  record Result(int exitCode, String stdout, String stderr) {
    /**
     * The accuracy the plain app printed.
     *
     * @return the value of its {@code accuracy=} line
     */
    double accuracy() {
      Matcher m = ACCURACY.matcher(stdout);
      if (!m.find()) {
        fail("no accuracy= line in the child's output:\n" + this);
      }
      return Double.parseDouble(m.group(1));
    }

    /**
     * The stderr lines the agent printed, without its one line about the scalar kernels (see
     * {@link #scalarKernelLines}), so that the same expectations hold with and without the Vector API module.
     *
     * @return lines starting with {@code quant4j-agent:}
     */
    List<String> agentLines() {
      return stderr.lines().filter(l -> l.startsWith("quant4j-agent: ") && !l.startsWith(SCALAR_NOTICE)).toList();
    }

    /**
     * The agent's lines saying it runs the scalar kernels: one on a JVM without the Vector API module.
     *
     * @return those lines
     */
    List<String> scalarKernelLines() {
      return stderr.lines().filter(l -> l.startsWith(SCALAR_NOTICE)).toList();
    }

    /**
     * The JVM's own warnings.
     *
     * @return stderr lines starting with {@code WARNING:}
     */
    List<String> jvmWarnings() {
      return stderr.lines().filter(l -> l.startsWith("WARNING:")).toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** The agent's line on a JVM without the Vector API module. */
  static final String SCALAR_NOTICE = "quant4j-agent: Vector API not available, using the scalar kernels; "
      + "add --add-modules=jdk.incubator.vector for speed";

  /**
   * Whether the child JVMs run without {@code --add-modules=jdk.incubator.vector}, as a plain {@code java} does: the
   * build runs every IT once with the module and once without (system property
   * {@code quant4j.it.withoutVectorModule}).
   *
   * @return true in the run without the module
   */
  static boolean withoutVectorModule() {
    return Boolean.getBoolean("quant4j.it.withoutVectorModule");
  }

  private ChildJvm() {}

  /** The agent jar the build made. */
  static Path agentJar() {
    return Path.of(System.getProperty("quant4j.agent.jar", "target/quant4j-agent.jar")).toAbsolutePath();
  }

  /** The plain app's class path (Maven's build-classpath output). */
  static String plainAppClassPath() throws IOException {
    Path file = Path.of(System.getProperty("quant4j.plainapp.classpath", "target/plain-app.classpath"));
    return Files.readString(file).trim();
  }

  /**
   * The class path of a program that uses quant4j itself (the command line or the API): quant4j, DL4J, picocli, an
   * SLF4J binding, and this module's test classes (the hosts) in front.
   */
  static String quant4jClassPath() throws IOException {
    Path file = Path.of(System.getProperty("quant4j.classpath", "target/quant4j.classpath"));
    return testClasses() + File.pathSeparator + Files.readString(file).trim();
  }

  /**
   * The plain app's class path with its SLF4J replaced by an application's own old logging stack (logback-classic
   * 1.1 on slf4j-api 1.7), and this module's test classes (the hosts) in front.
   */
  static String legacyLoggingClassPath() throws IOException {
    Path dir = Path.of(System.getProperty("quant4j.legacylogging.dir", "target/legacy-logging"));
    List<String> entries = new ArrayList<>();
    entries.add(testClasses());
    try (var jars = Files.list(dir)) {
      jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> entries.add(j.toString()));
    }
    for (String entry : plainAppClassPath().split(File.pathSeparator)) {
      if (!Path.of(entry).getFileName().toString().startsWith("slf4j-")) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** This module's test classes (the test hosts), for runs that need them on the child's class path. */
  static String testClasses() {
    return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
  }

  /**
   * Runs a main class and waits for it.
   *
   * @param dir the working directory (relative paths in arguments resolve there)
   * @param agentArguments the {@code -javaagent} argument string, {@code ""} for the agent without arguments, or
   *     null to run without the agent
   * @param classPath the class path
   * @param jvmOptions more JVM options
   * @param mainClass the main class
   * @param args its arguments
   * @return what it did
   */
  static Result run(Path dir, String agentArguments, String classPath, List<String> jvmOptions, String mainClass,
      String... args) throws IOException, InterruptedException {
    return run(dir, agentArguments, classPath, !withoutVectorModule(), jvmOptions, mainClass, args);
  }

  /**
   * Runs a child JVM with or without the Vector API module, whatever this run of the ITs does by default.
   *
   * @param dir the working directory
   * @param agentArguments the agent's arguments, {@code ""} for none, or null for no agent
   * @param classPath the class path
   * @param vectorModule whether to add {@code --add-modules=jdk.incubator.vector}
   * @param jvmOptions more JVM options
   * @param mainClass the main class
   * @param args its arguments
   * @return what it did
   */
  static Result run(Path dir, String agentArguments, String classPath, boolean vectorModule, List<String> jvmOptions,
      String mainClass, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("quant4j.it.java",
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (vectorModule) {
      command.add("--add-modules=jdk.incubator.vector");
    }
    command.add("-Xmx1g");
    if (agentArguments != null) {
      command.add("-javaagent:" + agentJar() + (agentArguments.isEmpty() ? "" : "=" + agentArguments));
    }
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    // One OpenMP thread: a tiny network gains nothing from more, and spinning threads slow a busy 2-core machine.
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      fail("child JVM still running after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command) + "\n"
          + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * The plain app's class path with this module's test classes in front.
   *
   * @return the class path for the test hosts
   */
  static String hostClassPath() throws IOException {
    return testClasses() + File.pathSeparator + plainAppClassPath();
  }
}
