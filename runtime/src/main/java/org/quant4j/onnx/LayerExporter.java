package org.quant4j.onnx;

/** Writes one kind of DL4J layer as ONNX nodes. */
@FunctionalInterface
interface LayerExporter {

  /**
   * Writes the layer.
   *
   * @param ctx the export
   * @param step the layer and the tensor it reads
   * @return the tensor the layer produces
   * @throws IllegalArgumentException if the layer's configuration cannot be exported
   */
  String export(ExportContext ctx, LayerStep step);
}
