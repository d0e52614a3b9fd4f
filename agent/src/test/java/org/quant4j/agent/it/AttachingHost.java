package org.quant4j.agent.it;

import java.io.File;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.quant4j.examples.plainapp.PlainDl4jApp;

/**
 * A running application the agent is attached to: it first builds and runs a DL4J network (so DL4J's layer and
 * network classes are loaded and must be retransformed), then attaches the agent jar to its own JVM, then runs the
 * plain app.
 */
public final class AttachingHost {
  private AttachingHost() {}

  /**
   * Loads DL4J, attaches the agent, runs the plain app.
   *
   * @param args the agent jar, the agent arguments, then the plain app's arguments
   * @throws Exception if the app fails
   */
  public static void main(String[] args) throws Exception {
    MultiLayerNetwork warmUp = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new DenseLayer.Builder().nIn(2).nOut(2).build())
        .layer(new OutputLayer.Builder().nIn(2).nOut(2).build())
        .build());
    warmUp.init();
    warmUp.output(org.nd4j.linalg.factory.Nd4j.ones(1, 2));
    ByteBuddyAgent.attach(new File(args[0]), String.valueOf(ProcessHandle.current().pid()), args[1]);
    PlainDl4jApp.main(java.util.Arrays.copyOfRange(args, 2, args.length));
  }
}
