package org.quant4j.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Pooling1D;
import org.deeplearning4j.nn.conf.layers.Pooling2D;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/**
 * Which exporter writes which DL4J layer configuration class. Dispatch is on the exact class, so a
 * subclass the export does not know (with behaviour it cannot see) is refused rather than written as
 * its parent. Activation and loss layers (LossLayer, CnnLossLayer, RnnLossLayer) write their activation
 * only (the loss plays no part in inference; softmax runs over the channels), after an input quantizer if
 * one was configured for them; output layers with a loss (OutputLayer, CenterLossOutputLayer,
 * RnnOutputLayer) write their dense part and activation; dropout is the identity.
 */
final class LayerExporters {

  private static final Map<Class<?>, LayerExporter> BY_CLASS = new LinkedHashMap<>();

  static {
    LayerExporter dense = new DenseExporter();
    LayerExporter conv = new ConvolutionExporter();
    LayerExporter deconv = new DeconvolutionExporter();
    LayerExporter pool = new PoolingExporter();
    LayerExporter activationOnly =
        (ctx, s) -> ActivationExporter.apply(
            ctx, s.name(), s.describe(), s.conf() instanceof ActivationLayer a ? a.getActivationFn()
                : ((BaseLayer) s.conf()).getActivationFn(), ctx.quantize(s.name() + ExportContext.INPUT, s.input()),
            s.inputRank());
    for (Class<?> c : List.of(DenseLayer.class, OutputLayer.class, CenterLossOutputLayer.class)) {
      BY_CLASS.put(c, dense);
    }
    for (Class<?> c : List.of(ConvolutionLayer.class, Convolution2D.class, Convolution1DLayer.class,
        Convolution1D.class, Convolution3D.class, DepthwiseConvolution2D.class, SeparableConvolution2D.class)) {
      BY_CLASS.put(c, conv);
    }
    BY_CLASS.put(Deconvolution2D.class, deconv);
    BY_CLASS.put(Deconvolution3D.class, deconv);
    for (Class<?> c : List.of(SubsamplingLayer.class, Pooling2D.class, Subsampling1DLayer.class, Pooling1D.class,
        Subsampling3DLayer.class, GlobalPoolingLayer.class)) {
      BY_CLASS.put(c, pool);
    }
    BY_CLASS.put(LSTM.class, new LstmExporter());
    BY_CLASS.put(GravesLSTM.class, new LstmExporter());
    BY_CLASS.put(LastTimeStep.class, new LastTimeStepExporter());
    BY_CLASS.put(RnnOutputLayer.class, new RnnOutputExporter());
    BY_CLASS.put(LocalResponseNormalization.class, new LrnExporter());
    BY_CLASS.put(Upsampling2D.class, new UpsamplingExporter());
    BY_CLASS.put(SpaceToDepthLayer.class, new SpaceToDepthExporter());
    BY_CLASS.put(Yolo2OutputLayer.class, new Yolo2OutputExporter());
    BY_CLASS.put(BatchNormalization.class, new BatchNormExporter());
    BY_CLASS.put(ActivationLayer.class, activationOnly);
    for (Class<?> c : List.of(LossLayer.class, CnnLossLayer.class, RnnLossLayer.class)) {
      BY_CLASS.put(c, activationOnly);
    }
    BY_CLASS.put(DropoutLayer.class, (ctx, s) -> s.input());
    BY_CLASS.put(ZeroPaddingLayer.class, new ZeroPaddingExporter());
  }

  private LayerExporters() {}

  /**
   * The exporter of a layer.
   *
   * @param step the layer
   * @return its exporter
   * @throws IllegalArgumentException naming the layer and its class when it is not supported
   */
  static LayerExporter of(LayerStep step) {
    LayerExporter e = BY_CLASS.get(step.conf().getClass());
    if (e == null) {
      throw new IllegalArgumentException(
          step.describe() + " is not supported by the ONNX export; supported: " + supported());
    }
    return e;
  }

  /**
   * The simple names of the supported layer classes.
   *
   * @return the names, in registration order
   */
  static List<String> supported() {
    return BY_CLASS.keySet().stream().map(Class::getSimpleName).toList();
  }
}
