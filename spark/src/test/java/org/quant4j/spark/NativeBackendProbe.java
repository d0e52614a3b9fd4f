package org.quant4j.spark;

import org.quant4j.spark.internal.ExecutorNetworks;

/**
 * What every task does first, as a program: a child JVM started without nd4j-native runs it to show the error
 * an executor without the native backend gives. Prints the message and exits 2, or exits 0 when the backend loads.
 */
final class NativeBackendProbe {

  private NativeBackendProbe() {}

  public static void main(String[] args) {
    try {
      ExecutorNetworks.requireNativeBackend();
    } catch (IllegalStateException e) {
      System.out.println(e.getMessage());
      System.exit(2);
    }
  }
}
