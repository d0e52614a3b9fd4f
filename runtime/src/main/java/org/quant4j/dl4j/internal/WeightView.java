package org.quant4j.dl4j.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a weight quantizer sees its layer's parameter: as DL4J stores it, or reshaped so that the layer's output
 * channels lie on one axis. DL4J 1.0.0-M2.1's {@code Convolution1DLayer} stores W as {@code [nOut, nIn, k, 1]} but,
 * with the default NCW format, computes with the same buffer reshaped (not permuted) to {@code [k, nIn, nOut]}
 * ({@code Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}): element {@code f} of the buffer belongs to
 * output channel {@code f mod nOut}, which no axis of the stored shape holds. Its quantizer therefore sees W as
 * {@code [k * nIn, nOut]} in the array's own order and quantizes along axis 1. With NWC the layer permutes, and the
 * stored axis 0 is the output channel.
 */
enum WeightView {

  /** The parameter as stored; the layer map's channel axes apply to it. */
  AS_STORED {
    @Override
    INDArray toQuantizer(INDArray stored) {
      return stored;
    }

    @Override
    INDArray toStored(INDArray seen, INDArray stored) {
      return seen;
    }

    @Override
    int[] channelAxes(LayerMapping.WeightParam param) {
      return param.channelAxes();
    }
  },

  /** A Convolution1D weight in NCW: {@code [nOut, nIn, k, 1]} seen as {@code [k * nIn, nOut]}, channels on axis 1. */
  CONV1D_NCW {
    @Override
    INDArray toQuantizer(INDArray stored) {
      long nOut = stored.size(0);
      return stored.reshape(stored.ordering(), stored.length() / nOut, nOut);
    }

    @Override
    INDArray toStored(INDArray seen, INDArray stored) {
      return seen.reshape(stored.ordering(), stored.shape());
    }

    @Override
    int[] channelAxes(LayerMapping.WeightParam param) {
      return new int[] {1};
    }
  };

  /**
   * The parameter as the quantizer sees it.
   *
   * @param stored the parameter as DL4J holds it
   * @return the same elements in the quantizer's shape (a view where the layout allows)
   */
  abstract INDArray toQuantizer(INDArray stored);

  /**
   * A quantizer result back in the parameter's shape, as the layer expects to read it.
   *
   * @param seen an array of {@link #toQuantizer}'s shape
   * @param stored the parameter it came from
   * @return the elements of {@code seen} in {@code stored}'s shape and order
   */
  abstract INDArray toStored(INDArray seen, INDArray stored);

  /**
   * The quantizer's per-channel axes in this view.
   *
   * @param param the layer map's entry
   * @return the axes
   */
  abstract int[] channelAxes(LayerMapping.WeightParam param);

  /**
   * The view a layer's weight needs.
   *
   * @param mapping the layer's row of the layer map
   * @param layer the layer
   * @return the view
   */
  static WeightView of(LayerMapping mapping, Layer layer) {
    if (mapping == LayerMapping.CONVOLUTION_1D
        && layer.conf().getLayer() instanceof Convolution1DLayer c && c.getRnnDataFormat() != RNNFormat.NWC) {
      return CONV1D_NCW;
    }
    return AS_STORED;
  }
}
