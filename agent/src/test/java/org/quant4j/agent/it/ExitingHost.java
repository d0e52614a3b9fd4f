package org.quant4j.agent.it;

import org.quant4j.examples.plainapp.PlainDl4jApp;

/**
 * A host application that ends badly after running the plain app: {@code exit} calls {@code System.exit(3)},
 * {@code throw} lets an exception out of main. The agent must still write what calibration collected.
 */
public final class ExitingHost {
  private ExitingHost() {}

  /**
   * Runs the plain app with the remaining arguments, then ends as the first says.
   *
   * @param args {@code exit|throw}, then the plain app's arguments
   * @throws Exception always, for {@code throw}
   */
  public static void main(String[] args) throws Exception {
    String[] appArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
    PlainDl4jApp.main(appArgs);
    if (args[0].equals("exit")) {
      System.exit(3);
    }
    throw new IllegalStateException("the host application failed after its work");
  }
}
