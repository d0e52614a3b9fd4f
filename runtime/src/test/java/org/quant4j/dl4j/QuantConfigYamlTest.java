package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantConfigYamlTest {

  @Test
  void toYamlReadsBackToTheSameConfigurationWithEveryAmaxBitForBit() {
    SplittableRandom r = new SplittableRandom(7);
    float[] awkward = {0.1f, Math.nextUp(0.1f), 1e-10f, Float.MIN_VALUE, Float.MAX_VALUE, 3.0e10f, 1f / 3, -0f};
    QuantConfig.Builder b = QuantConfig.builder().residual(true)
        .input(QuantSpec.builder().numBits(8).calibMethod("histogram").build())
        .weight(QuantSpec.builder().numBits(4).perChannel(true).narrowRange(false).build())
        .residualQuantizer(QuantSpec.builder().unsigned(true).scaleAmax(0.7f).build())
        .override("odd \"name\" \\ *", QuantSpec.e4m3())
        .override("layer?._input_quantizer", QuantSpec.enable(false));
    for (float a : awkward) {
      b.override("fixed", QuantSpec.builder().amax(a).learnAmax(false).enable(true).build());
    }
    float[] many = new float[64];
    for (int i = 0; i < many.length; i++) {
      many[i] = Float.intBitsToFloat(r.nextInt(0x7f000000));
    }
    b.override("channels", QuantSpec.builder().amax(many).build());
    QuantConfig config = b.build();

    QuantConfig read = QuantConfig.parse(config.toYaml());

    assertEquals(config.toYaml(), read.toYaml());
    assertEquals(config.overrides().size(), read.overrides().size());
    for (int i = 0; i < config.overrides().size(); i++) {
      assertEquals(config.overrides().get(i).glob(), read.overrides().get(i).glob());
      float[] want = config.overrides().get(i).spec().amax();
      float[] got = read.overrides().get(i).spec().amax();
      for (int k = 0; want != null && k < want.length; k++) {
        assertEquals(Float.floatToIntBits(want[k]), Float.floatToIntBits(got[k]), "override " + i + " amax " + k);
      }
      assertEquals(config.overrides().get(i).spec(), read.overrides().get(i).spec());
    }
  }

  @Test
  void theDefaultConfigurationReadsBackUnchanged() {
    assertEquals(QuantConfig.DEFAULT.toString(), QuantConfig.parse(QuantConfig.DEFAULT.toYaml()).toString());
  }
}
