package org.quant4j.examples.snippets;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** docs/onnx.md's deployment session: ONNX Runtime keeps a QDQ model's int8 activations int8. */
public final class Int8Session {

  private Int8Session() {}

  /**
   * Opens {@code model.onnx} in the session docs/onnx.md recommends.
   *
   * @return the session
   * @throws OrtException if ONNX Runtime cannot open the model
   */
  public static OrtSession open() throws OrtException {
    // [int8-session]
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.addConfigEntry("session.qdqisint8allowed", "1");   // int8 activations stay int8: s8·s8 kernels
    OrtSession session = OrtEnvironment.getEnvironment().createSession("model.onnx", opts);
    // [int8-session]
    return session;
  }
}
