package org.quant4j.dl4j.internal;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * The first test every loading class meets: a class that no quant4j transformation can apply to is passed over on
 * its name and bytes alone, before Byte Buddy describes it (a class-file locator, a type pool and a privileged
 * action per class, which on a JVM still interpreting cost more than the weaving itself). Only DL4J's classes (by
 * package name) and classes whose constant pool names {@code @Quantize} ({@link QuantizeClassFile#mentionsQuantize})
 * reach Byte Buddy (the latter outside the packages {@link QuantizeInstrumentation#inSkippedPackage} passes over), whose own matchers then decide exactly as before; a class being retransformed always reaches
 * it, because the JVM may hand over a reconstituted class file without the invisible annotations.
 */
final class ClassFilePrefilter extends ResettableClassFileTransformer.WithDelegation {

  /** The package of every DL4J type woven, in the JVM's internal form. */
  private static final String DL4J = "org/deeplearning4j/";

  /** Decorates the agent builder's transformer with this filter. */
  static final AgentBuilder.TransformerDecorator DECORATOR = ClassFilePrefilter::new;

  private ClassFilePrefilter(ResettableClassFileTransformer transformer) {
    super(transformer);
  }

  @Override
  public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classFile) throws java.lang.instrument.IllegalClassFormatException {
    return mayApply(loader, internalName, classBeingRedefined, classFile)
        ? classFileTransformer.transform(loader, internalName, classBeingRedefined, domain, classFile) : null;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classFile) throws java.lang.instrument.IllegalClassFormatException {
    return mayApply(loader, internalName, classBeingRedefined, classFile)
        ? classFileTransformer.transform(module, loader, internalName, classBeingRedefined, domain, classFile)
        : null;
  }

  /**
   * Whether a transformation may apply: false only for a class that is certainly neither DL4J's nor
   * {@code @Quantize} (the bootstrap loader's and hidden classes are never woven).
   */
  static boolean mayApply(ClassLoader loader, String internalName, Class<?> classBeingRedefined, byte[] classFile) {
    if (loader == null || internalName == null) {
      return false;
    }
    return classBeingRedefined != null || internalName.startsWith(DL4J)
        || (!QuantizeInstrumentation.inSkippedPackage(internalName.replace('/', '.'))
            && QuantizeClassFile.mentionsQuantize(classFile));
  }
}
