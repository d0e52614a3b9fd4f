package org.quant4j.examples.demo;

import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;

/**
 * A demo configuration: weight bits and input (activation) bits. Weights are quantized per output
 * channel with max calibration, inputs per tensor with the given calibrator, all signed and narrow
 * (the reference's default descriptors with other bit widths). {@link #FP8} quantizes weights and
 * inputs to FP8 E4M3 ({@code num_bits=(4, 3)}), both per tensor; the reference has no figures for it
 * (its FP8 path needs CUDA) and the demo runs no QAT for it.
 */
public enum QuantSetting {
  /** 8-bit weights, 8-bit inputs. */
  W8A8(8, 8),
  /** 4-bit weights, 8-bit inputs. */
  W4A8(4, 8),
  /** 4-bit weights, 4-bit inputs. */
  W4A4(4, 4),
  /** FP8 E4M3 weights and inputs, per tensor. */
  FP8(8, 8);

  private final int weightBits;
  private final int inputBits;

  QuantSetting(int weightBits, int inputBits) {
    this.weightBits = weightBits;
    this.inputBits = inputBits;
  }

  /** @return the weight bit width */
  public int weightBits() {
    return weightBits;
  }

  /** @return the input bit width */
  public int inputBits() {
    return inputBits;
  }

  /** @return "w8a8", "w4a8", "w4a4" or "fp8" */
  public String label() {
    return this == FP8 ? "fp8" : "w" + weightBits + "a" + inputBits;
  }

  /**
   * @param inputCalibMethod "histogram" or "max", the input quantizers' calibrator
   * @return the quant4j configuration of this setting
   */
  public QuantConfig config(String inputCalibMethod) {
    if (this == FP8) {
      return QuantConfig.builder()
          .input(QuantSpec.builder().e4m3().calibMethod(inputCalibMethod).build())
          .weight(QuantSpec.e4m3())
          .build();
    }
    return QuantConfig.builder()
        .input(QuantSpec.builder().numBits(inputBits).calibMethod(inputCalibMethod).build())
        .weight(QuantSpec.builder().numBits(weightBits).calibMethod("max").perChannel(true).build())
        .build();
  }
}
