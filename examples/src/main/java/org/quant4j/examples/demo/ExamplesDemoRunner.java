package org.quant4j.examples.demo;

import org.quant4j.cli.DemoRequest;
import org.quant4j.cli.DemoRunner;
import org.quant4j.examples.data.DataUnavailableException;

/** The {@link DemoRunner} service of quant4j-examples: runs {@link DemoPipeline} on standard output. */
public final class ExamplesDemoRunner implements DemoRunner {

  /** Creates the runner (the ServiceLoader calls this). */
  public ExamplesDemoRunner() {}

  @Override
  public int run(DemoRequest request) throws Exception {
    NativeThreads.limitUnlessConfigured();
    try {
      new DemoPipeline(request, System.out).run();
      return 0;
    } catch (DataUnavailableException e) {
      System.err.println("quant4j demo: " + e.getMessage());
      return 3;
    }
  }
}
