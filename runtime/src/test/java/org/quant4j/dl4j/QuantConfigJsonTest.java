package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link QuantConfig#toJson()} is read back by {@link QuantConfig#parse(String)} to the same configuration. */
class QuantConfigJsonTest {

  @Test
  void everyFieldSurvivesTheRoundTrip() {
    QuantConfig config = QuantConfig.parse("""
        residual: true
        input: {num_bits: 6, calib_method: histogram, unsigned: false}
        weight: {num_bits: 4, per_channel: false, narrow_range: false}
        residual_quantizer: {num_bits: 8, amax: 2.5, learn_amax: true}
        overrides:
          - {name: "layer0.*", num_bits: 8, scale_amax: 0.75}
          - {name: "*_input_quantizer", enable: false}
          - {name: "fc*", num_bits: [4, 3], amax: [1.0, 0.1]}
        """);
    QuantConfig back = QuantConfig.parse(config.toJson());
    assertEquals(config.toString(), back.toString());
    assertEquals(config.toJson(), back.toJson());
    assertEquals(QuantConfig.DEFAULT.toString(), QuantConfig.parse(QuantConfig.DEFAULT.toJson()).toString());
  }
}
