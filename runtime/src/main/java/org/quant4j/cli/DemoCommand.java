package org.quant4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code quant4j demo}: the end-to-end MNIST demo. Until the demo lands it says so and exits with
 * status 0, so that the README's first command already builds the project.
 */
@Command(name = "demo", description = "Train, calibrate, QAT and export LeNet-5 on MNIST.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.println("quant4j: demo not built yet (the project builds; the demo lands with its issue).");
    return 0;
  }
}
