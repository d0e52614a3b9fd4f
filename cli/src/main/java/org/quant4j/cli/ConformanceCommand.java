package org.quant4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.quant4j.conformance.ConformanceRunner;
import org.quant4j.conformance.ConformanceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code quant4j conformance FILE|DIR...}: replays golden reference vectors and exits with status 1 if
 * any case failed, if nothing was replayed, or if a file's kind is unknown.
 */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = "Replay pytorch-quantization golden files (every *.json in a directory) against quant4j.")
final class ConformanceCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE|DIR", description = "golden JSON files or directories")
  private List<Path> paths;

  @Override
  public Integer call() {
    ConformanceSummary summary = ConformanceRunner.withAllReplayers().run(paths, System.out);
    return summary.exitStatus();
  }
}
