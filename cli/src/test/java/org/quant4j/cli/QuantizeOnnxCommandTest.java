package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.protobuf.ByteString;
import picocli.CommandLine;

/** {@code quant4j quantize-onnx} on a small conv net and IDX / numpy images; bad input exits 2 with one line. */
class QuantizeOnnxCommandTest {

  private static final int N = 40;

  @TempDir Path dir;

  /** conv(1→3, 3x3, pad 1) → relu → flatten → gemm(48→4), input [N, 1, 4, 4], seeded weights. */
  private Path model(int opset) throws IOException {
    Random r = new Random(11);
    GraphProto.Builder g = GraphProto.newBuilder().setName("tiny")
        .addInput(input("image", -1, 1, 4, 4))
        .addInitializer(floats("conv.weight", r, 3, 1, 3, 3))
        .addInitializer(floats("fc.weight", r, 4, 48))
        .addNode(NodeProto.newBuilder().setName("/conv/Conv").setOpType("Conv").addInput("image")
            .addInput("conv.weight").addOutput("c").addAttribute(ints("pads", 1, 1, 1, 1)))
        .addNode(NodeProto.newBuilder().setName("/relu/Relu").setOpType("Relu").addInput("c").addOutput("r"))
        .addNode(NodeProto.newBuilder().setName("/flat/Flatten").setOpType("Flatten").addInput("r").addOutput("f"))
        .addNode(NodeProto.newBuilder().setName("/fc/Gemm").setOpType("Gemm").addInput("f").addInput("fc.weight")
            .addOutput("logits").addAttribute(AttributeProto.newBuilder().setName("transB")
                .setType(AttributeProto.AttributeType.INT).setI(1)))
        .addOutput(ValueInfoProto.newBuilder().setName("logits").setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
    ModelProto m = ModelProto.newBuilder().setIrVersion(7)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g).build();
    Path file = dir.resolve("tiny-" + opset + ".onnx");
    Files.write(file, m.toByteArray());
    return file;
  }

  private static ValueInfoProto input(String name, long... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(s))).build();
  }

  private static TensorProto floats(String name, Random r, long... shape) {
    int n = 1;
    for (long d : shape) {
      n *= (int) d;
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(r.nextFloat() - 0.5f);
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : shape) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(b.array())).build();
  }

  private static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  /** MNIST-style IDX images [N, h, w] and labels beside them, named so the labels are found. */
  private Path idx(int h, int w) throws IOException {
    Random r = new Random(12);
    ByteBuffer images = ByteBuffer.allocate(16 + N * h * w).putInt(0x803).putInt(N).putInt(h).putInt(w);
    ByteBuffer labels = ByteBuffer.allocate(8 + N).putInt(0x801).putInt(N);
    for (int i = 0; i < N * h * w; i++) {
      images.put((byte) r.nextInt(256));
    }
    for (int i = 0; i < N; i++) {
      labels.put((byte) r.nextInt(4));
    }
    Path file = dir.resolve("t" + h + "-images-idx3-ubyte");
    Files.write(file, images.array());
    Files.write(dir.resolve("t" + h + "-labels-idx1-ubyte"), labels.array());
    return file;
  }

  /** A float32 .npy of shape [N, 1, 4, 4] with one value replaced. */
  private Path npy(float special) throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + N + ", 1, 4, 4), }";
    header = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * N * 16).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
        .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < N * 16; i++) {
      b.putFloat(i == 100 ? special : (i % 7) / 7f);
    }
    Path file = dir.resolve("data.npy");
    Files.write(file, b.array());
    return file;
  }

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    CommandLine cli = Quant4jCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      List<String> all = new ArrayList<>(List.of("quantize-onnx"));
      all.addAll(List.of(args));
      int status = cli.execute(all.toArray(String[]::new));
      return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  private void assertRefused(Run run, String expected) {
    assertEquals(2, run.status(), run.err());
    assertTrue(run.err().contains(expected), run.err());
    assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
    assertFalse(Files.exists(dir.resolve("out.onnx")), "nothing is written");
  }

  @Test
  void quantizesEvaluatesAndReportsFromIdxImages() throws IOException {
    Path images = idx(4, 4);
    Run run = run("--model", model(13).toString(), "--data", images.toString(), "--scale", "1/255",
        "--method", "percentile", "--batch-size", "16", "--out", dir.resolve("out.onnx").toString(),
        "--eval", images.toString(), "--report", dir.resolve("report").toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(Files.isRegularFile(dir.resolve("out.onnx")));
    assertTrue(Files.isRegularFile(dir.resolve("report/index.html")), run.out());
    assertTrue(run.out().contains("4 quantizers, calibrated on 3 batches (40 items), method percentile"), run.out());
    for (String session : List.of("default", "int8", "no-opt")) {
      assertTrue(run.out().lines().anyMatch(l -> l.startsWith(session + " ")), run.out());
    }
  }

  @Test
  void aFileThatIsNotOnnxExitsTwo() throws IOException {
    Path text = Files.writeString(dir.resolve("model.onnx"), "not a model\n");
    assertRefused(run("--model", text.toString(), "--data", idx(4, 4).toString(), "--out",
        dir.resolve("out.onnx").toString()), "is not an ONNX model");
  }

  @Test
  void anUnknownInputNameExitsTwo() throws IOException {
    assertRefused(run("--model", model(13).toString(), "--data", idx(4, 4).toString(), "--input-name", "pixels",
        "--out", dir.resolve("out.onnx").toString()), "--input-name 'pixels' is not an input of the graph; its inputs are [image]");
  }

  @Test
  void imagesOfTheWrongShapeExitTwo() throws IOException {
    assertRefused(run("--model", model(13).toString(), "--data", idx(5, 5).toString(), "--out",
        dir.resolve("out.onnx").toString()), "has images of shape [1, 5, 5], which do not fit the graph input's shape [N, 1, 4, 4]");
  }

  @Test
  void nanOrInfinityInTheDataExitsTwo() throws IOException {
    assertRefused(run("--model", model(13).toString(), "--data", npy(Float.NaN).toString(), "--out",
        dir.resolve("out.onnx").toString()), "holds NaN at flat index 100");
    assertRefused(run("--model", model(13).toString(), "--data", npy(Float.POSITIVE_INFINITY).toString(), "--out",
        dir.resolve("out.onnx").toString()), "holds Infinity at flat index 100");
  }

  @Test
  void aBitWidthOutsideTheGridsRangeExitsTwoNamingTheFlag() throws IOException {
    assertRefused(run("--model", model(13).toString(), "--data", idx(4, 4).toString(), "--scale", "1/255",
        "--num-bits", "20", "--out", dir.resolve("out.onnx").toString()), "--num-bits must be in [1, 16], got 20");
  }

  @Test
  void pixelsPastOneAreFedAsReadWithOneNoteUnlessAScaleIsGiven() throws IOException {
    Path images = idx(4, 4);
    Run unscaled = run("--model", model(13).toString(), "--data", images.toString(), "--batch-size", "16",
        "--out", dir.resolve("out.onnx").toString());
    assertEquals(0, unscaled.status(), unscaled.err());
    List<String> notes = unscaled.err().lines().filter(l -> l.contains("note:")).toList();
    assertEquals(1, notes.size(), unscaled.err());
    assertTrue(notes.get(0).contains("--data values reach ") && notes.get(0).contains(" and no --scale was given, so"
        + " they are fed as read"), notes.get(0));
    Run asRead = run("--model", model(13).toString(), "--data", images.toString(), "--batch-size", "16",
        "--scale", "1", "--out", dir.resolve("out1.onnx").toString());
    assertEquals(0, asRead.status(), asRead.err());
    assertFalse(asRead.err().contains("note:"), asRead.err());
    // the same values fed: the same model
    assertArrayEquals(Files.readAllBytes(dir.resolve("out.onnx")), Files.readAllBytes(dir.resolve("out1.onnx")));
  }

  @Test
  void anOpsetBelow13ExitsTwo() throws IOException {
    assertRefused(run("--model", model(12).toString(), "--data", idx(4, 4).toString(), "--out",
        dir.resolve("out.onnx").toString()), "has opset 12, expected opset 13 or later");
  }

  @Test
  void anOutputEqualToTheModelExitsTwoAndKeepsTheModel() throws IOException {
    Path m = model(13);
    byte[] before = Files.readAllBytes(m);
    Run run = run("--model", m.toString(), "--data", idx(4, 4).toString(), "--out", m.toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("is the input model"), run.err());
    assertArrayEquals(before, Files.readAllBytes(m));
  }
}
