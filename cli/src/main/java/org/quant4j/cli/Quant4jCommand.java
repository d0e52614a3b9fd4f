package org.quant4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code quant4j} command: the entry point of the {@code ./quant4j} launcher at the repository root.
 * Each capability is a subcommand.
 *
 * <p>One exit-status rule holds for every command: 0 when it did its work, 2 for a usage error or bad
 * input (a missing or malformed option, an unreadable or corrupt file, an output path that would
 * overwrite an input), 1 for an internal error. {@code --help} exits 0 on every command, whatever
 * else is missing from the line.
 */
@Command(
    name = "quant4j",
    mixinStandardHelpOptions = true,
    versionProvider = Quant4jCommand.Version.class,
    description = "Fake quantization, calibration, QAT and QDQ ONNX export for DL4J.",
    subcommands = {DemoCommand.class, CalibrateCommand.class, ExportCommand.class, ReportCommand.class,
        SensitivityCommand.class, AutoquantCommand.class,
        ConformanceCommand.class, QuantizeOnnxCommand.class})
public final class Quant4jCommand implements Runnable {

  /** Exit status of a command that did its work. */
  public static final int OK = 0;
  /** Exit status of an internal error: a bug in quant4j or a failure of the JVM or a library. */
  public static final int INTERNAL_ERROR = 1;
  /** Exit status of a usage error or bad input: what the user gave has to change. */
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = {"-X", "--verbose"}, scope = ScopeType.INHERIT,
      description = "On an error, print the stack trace after the one-line message; show the INFO logs of ND4J,"
          + " DL4J and the other libraries.")
  boolean verbose;

  /**
   * Runs the command line and exits with its status. The libraries' INFO logs are quiet unless
   * {@code --verbose} ({@link LogLevels}); ND4J starts before the command, and a fallback from its CUDA
   * backend to the CPU backend is one line ({@link Nd4jStartup}).
   *
   * @param args the arguments, as given to {@code ./quant4j}
   */
  public static void main(String[] args) {
    CommandLine cli = commandLine();
    cli.setExecutionStrategy(parsed -> {
      List<CommandLine> chain = parsed.asCommandLineList();
      boolean verbose = verbose(chain.get(chain.size() - 1));
      LogLevels.configure(verbose);
      if (chain.size() > 1 && chain.stream().noneMatch(c -> c.isUsageHelpRequested() || c.isVersionHelpRequested())) {
        Nd4jStartup.start(verbose);
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    System.exit(cli.execute(args));
  }

  /**
   * The command line, set up as {@code ./quant4j} runs it. A failing command prints one line on
   * standard error, prefixed with the command's name, and no stack trace unless {@code --verbose}: an
   * {@link IllegalArgumentException}, an {@link IllegalStateException} or an I/O error (bad input, whose
   * message names what was wrong) ends with status {@value #BAD_INPUT}; any other exception is an
   * internal error and ends with status {@value #INTERNAL_ERROR}. A usage error found while parsing (a
   * missing, unknown or malformed option) is one line too, pointing at {@code --help}, with status
   * {@value #BAD_INPUT}.
   *
   * @return a new command line
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Quant4jCommand());
    cli.setParameterExceptionHandler((e, args) -> {
      String name = e.getCommandLine().getCommandSpec().qualifiedName();
      e.getCommandLine().getErr().println(name + ": " + FailureText.of(e) + " (see " + name + " --help)");
      return BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      boolean badInput = isBadInput(e);
      String name = command.getCommandSpec().qualifiedName();
      command.getErr().println(name + ": " + (badInput ? "" : "internal error: ") + FailureText.of(e));
      if (verbose(command)) {
        e.printStackTrace(command.getErr());
      }
      return badInput ? BAD_INPUT : INTERNAL_ERROR;
    });
    return cli;
  }

  private static boolean isBadInput(Throwable e) {
    return e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof IOException || e instanceof UncheckedIOException;
  }

  private static boolean verbose(CommandLine command) {
    for (CommandLine c = command; c != null; c = c.getParent()) {
      if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose")
          || c.getCommand() instanceof Quant4jCommand root && root.verbose) {
        return true;
      }
    }
    return false;
  }

  /** Without a subcommand, prints the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reports the project version the build recorded, and the git commit when the launcher gives it. */
  static final class Version implements CommandLine.IVersionProvider {
    /** The git commit the launcher found for the checkout it runs from ({@code ./quant4j} sets it). */
    static final String COMMIT_PROPERTY = "quant4j.commit";

    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Quant4jCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      String commit = System.getProperty(COMMIT_PROPERTY, "");
      return new String[] {"quant4j " + p.getProperty("version", "(unknown version)")
          + (commit.isBlank() ? "" : " (commit " + commit + ")")};
    }
  }
}
