package org.quant4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quant4j} command: the entry point of the {@code ./quant4j} launcher at the repository root.
 * Each capability is a subcommand.
 */
@Command(
    name = "quant4j",
    mixinStandardHelpOptions = true,
    versionProvider = Quant4jCommand.Version.class,
    description = "Fake quantization, calibration, QAT and QDQ ONNX export for DL4J.",
    subcommands = {DemoCommand.class, CalibrateCommand.class, ExportCommand.class, ReportCommand.class,
        ConformanceCommand.class, QuantizeOnnxCommand.class})
public final class Quant4jCommand implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments, as given to {@code ./quant4j}
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line, set up as {@code ./quant4j} runs it: bad input (an {@link IllegalArgumentException},
   * an {@link IllegalStateException} or an I/O error, which name what was wrong) ends the command with one
   * line on standard error and exit status 2 instead of a stack trace; any other exception is a bug and
   * keeps its stack trace.
   *
   * @return a new command line
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Quant4jCommand());
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli;
  }

  /** Without a subcommand, prints the usage. */
  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reports the version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Quant4jCommand.class.getPackage().getImplementationVersion();
      return new String[] {"quant4j " + (v == null ? "development" : v)};
    }
  }
}
