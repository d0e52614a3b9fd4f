package org.quant4j.dl4j.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.quant4j.annotations.QuantDesc;
import org.quant4j.annotations.QuantInput;
import org.quant4j.annotations.QuantWeight;
import org.quant4j.annotations.Quantize;
import org.quant4j.tensor.QuantDescriptor;

/**
 * What the {@code @Quantize} annotations in one class file say: the input and weight descriptors and the methods
 * to weave. The annotations have CLASS retention, so neither reflection nor Byte Buddy's type pool (without the
 * annotations jar at run time) sees them; this reads them from the class file's invisible annotations with ASM.
 * Descriptors get the same defaults as the annotation processor's: {@code @QuantDesc}'s own, and axis 0 for a
 * {@code weight} the annotation does not set.
 *
 * @param className the binary class name
 * @param input the descriptor of the {@code @QuantInput} parameters
 * @param weight the descriptor of the {@code @QuantWeight} results
 * @param methods the instance methods with code that have {@code @QuantInput} parameters or {@code @QuantWeight}
 */
public record QuantizeClassFile(
    String className, QuantDescriptor input, QuantDescriptor weight, List<QuantizedMethod> methods) {

  private static final String QUANTIZE = Type.getDescriptor(Quantize.class);
  private static final String QUANT_DESC = Type.getDescriptor(QuantDesc.class);
  private static final String QUANT_INPUT = Type.getDescriptor(QuantInput.class);
  private static final String QUANT_WEIGHT = Type.getDescriptor(QuantWeight.class);
  private static final byte[] QUANTIZE_BYTES = QUANTIZE.getBytes(StandardCharsets.UTF_8);

  /**
   * One woven method.
   *
   * @param name the method name
   * @param descriptor its JVM descriptor
   * @param quantizedArguments bit {@code i} set when parameter {@code i} is {@code @QuantInput} (the first 64)
   * @param quantizedResult whether it is a {@code @QuantWeight} accessor
   */
  public record QuantizedMethod(String name, String descriptor, long quantizedArguments, boolean quantizedResult) {}

  /**
   * Whether the class has input quantizers.
   *
   * @return true if a method has a {@code @QuantInput} parameter
   */
  public boolean hasInput() {
    return methods.stream().anyMatch(m -> m.quantizedArguments() != 0);
  }

  /**
   * Whether the class has a weight quantizer.
   *
   * @return true if a method is {@code @QuantWeight}
   */
  public boolean hasWeight() {
    return methods.stream().anyMatch(QuantizedMethod::quantizedResult);
  }

  /**
   * A cheap test before parsing: whether the class file's constant pool can name {@code @Quantize} at all.
   *
   * @param classFile the class file bytes
   * @return false when the class is certainly not annotated
   */
  public static boolean mentionsQuantize(byte[] classFile) {
    outer:
    for (int i = 0, last = classFile.length - QUANTIZE_BYTES.length; i <= last; i++) {
      for (int j = 0; j < QUANTIZE_BYTES.length; j++) {
        if (classFile[i + j] != QUANTIZE_BYTES[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Reads a class file.
   *
   * @param classFile the class file bytes
   * @return what its annotations say, or null if the class is not annotated {@code @Quantize}
   * @throws IllegalArgumentException if a {@code @QuantDesc} holds values the runtime rejects
   */
  public static QuantizeClassFile read(byte[] classFile) {
    if (!mentionsQuantize(classFile)) {
      return null;
    }
    Reader reader = new Reader();
    new ClassReader(classFile).accept(reader, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
    if (!reader.annotated) {
      return null;
    }
    return new QuantizeClassFile(reader.className, reader.input.build(),
        (reader.weight == null ? new Desc().axis(0) : reader.weight).build(), List.copyOf(reader.methods));
  }

  /** Collects the class annotation and the annotated methods. */
  private static final class Reader extends ClassVisitor {
    String className;
    boolean annotated;
    Desc input = new Desc();
    Desc weight;
    final List<QuantizedMethod> methods = new ArrayList<>();

    Reader() {
      super(Opcodes.ASM9);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName,
        String[] interfaces) {
      className = name.replace('/', '.');
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
      if (!descriptor.equals(QUANTIZE)) {
        return null;
      }
      annotated = true;
      return new AnnotationVisitor(Opcodes.ASM9) {
        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
          if (!descriptor.equals(QUANT_DESC)) {
            return null;
          }
          Desc desc = new Desc();
          if (name.equals("input")) {
            input = desc;
          } else if (name.equals("weight")) {
            weight = desc;
          }
          return desc;
        }
      };
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
        String[] exceptions) {
      if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || name.startsWith("<")) {
        return null;
      }
      return new MethodVisitor(Opcodes.ASM9) {
        long quantizedArguments;
        boolean quantizedResult;

        @Override
        public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
          quantizedResult |= annotation.equals(QUANT_WEIGHT);
          return null;
        }

        @Override
        public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
          if (annotation.equals(QUANT_INPUT) && parameter < Long.SIZE) {
            quantizedArguments |= 1L << parameter;
          }
          return null;
        }

        @Override
        public void visitEnd() {
          if (quantizedArguments != 0 || quantizedResult) {
            methods.add(new QuantizedMethod(name, descriptor, quantizedArguments, quantizedResult));
          }
        }
      };
    }
  }

  /** The values of one {@code @QuantDesc}, starting from its defaults. */
  private static final class Desc extends AnnotationVisitor {
    private final QuantDescriptor.Builder builder = QuantDescriptor.builder();

    Desc() {
      super(Opcodes.ASM9);
    }

    Desc axis(int axis) {
      builder.axis(axis);
      return this;
    }

    QuantDescriptor build() {
      return builder.build();
    }

    @Override
    public void visit(String name, Object value) {
      switch (name) {
        case "numBits" -> builder.numBits((Integer) value);
        case "axis" -> builder.axis((int[]) value);
        case "unsigned" -> builder.unsigned((Boolean) value);
        case "narrowRange" -> builder.narrowRange((Boolean) value);
        case "fakeQuant" -> builder.fakeQuant((Boolean) value);
        case "calibMethod" -> builder.calibMethod((String) value);
        case "learnAmax" -> builder.learnAmax((Boolean) value);
        case "amax" -> amax((float[]) value);
        case "scaleAmax" -> builder.scaleAmax(Float.isNaN((Float) value) ? null : (Float) value);
        default -> {
          // An attribute of a newer annotations jar: ignored, as the processor ignores it.
        }
      }
    }

    /** As the generated {@code .amax(2.5f)} / {@code .amax(1f, 2f)} call: one value is a scalar amax. */
    private void amax(float[] values) {
      if (values.length == 1) {
        builder.amax(values[0]);
      } else {
        builder.amax(values);
      }
    }

    @Override
    public AnnotationVisitor visitArray(String name) {
      // ClassReader reports non-empty primitive arrays through visit(name, int[]/float[]); only empty ones come here.
      return null;
    }
  }
}
