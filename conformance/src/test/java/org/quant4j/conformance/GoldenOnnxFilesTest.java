package org.quant4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.Test;

/**
 * quant4j's exports of the reference's networks against the reference's own {@code .onnx} files, read
 * with the same (nd4j-shipped) ONNX classes: the same op types in the same order, every Constant (scale
 * and zero point) byte-identical in type, shape and raw data, and every other node's attributes equal.
 */
class GoldenOnnxFilesTest {

  private static final Path GOLDEN = Path.of(System.getProperty("quant4j.golden", "../golden"));

  private static void assertSameConventions(byte[] ours, String goldenFile) throws Exception {
    List<NodeProto> want = ModelProto.parseFrom(Files.readAllBytes(GOLDEN.resolve(goldenFile))).getGraph().getNodeList();
    List<NodeProto> got = ModelProto.parseFrom(ours).getGraph().getNodeList();
    assertEquals(want.stream().map(NodeProto::getOpType).toList(), got.stream().map(NodeProto::getOpType).toList());
    for (int i = 0; i < want.size(); i++) {
      String where = goldenFile + " node " + i + " " + want.get(i).getName();
      if (want.get(i).getOpType().equals("Constant")) {
        var w = want.get(i).getAttribute(0).getT();
        var g = got.get(i).getAttribute(0).getT();
        assertEquals(w.getDataType(), g.getDataType(), where);
        assertEquals(w.getDimsList(), g.getDimsList(), where);
        assertEquals(w.getRawData(), g.getRawData(), where);
      } else {
        assertEquals(attributes(want.get(i)), attributes(got.get(i)), where);
      }
    }
  }

  private static List<String> attributes(NodeProto n) {
    return n.getAttributeList().stream().map(AttributeProto::toString).toList();
  }

  @Test
  void exportsMatchTheReferenceOnnxFilesByteForByteInScalesAndZeroPoints() throws Exception {
    JsonNode file = new ObjectMapper().readTree(GOLDEN.resolve("onnx_export.json").toFile());
    assertSameConventions(OnnxExportReplayer.exportNet(file, file.get("quantizer_amax"), 13),
        "onnx/quant_net_opset13.onnx");
    JsonNode perTensor = file.get("exports").get(2);
    assertSameConventions(OnnxExportReplayer.exportNet(file, perTensor.get("quantizer_amax"), 10),
        "onnx/quant_net_pertensor_opset10.onnx");
    for (JsonNode single : file.get("single_quantizer_exports")) {
      if (!single.has("error")) {
        assertSameConventions(OnnxExportReplayer.exportSingle(single), single.get("file").asText());
      }
    }
  }
}
