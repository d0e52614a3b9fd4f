package org.quant4j.agent.it;

/** A host application without DL4J on its class path: it only says that it ran. */
public final class NoDl4jHost {
  private NoDl4jHost() {}

  /**
   * Prints {@code ran}.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println("ran");
  }
}
