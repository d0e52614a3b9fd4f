package org.quant4j.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quant4j.dl4j.internal.PrewovenClassFiles;

/**
 * The DL4J class files the build wove into the agent's classes ({@link PrewovenClassFileWriter}, run before the
 * tests): one for every type the agent weaves by name, each the very bytes Byte Buddy makes from DL4J's class file
 * at run time, served only for that class file.
 */
class PrewovenClassFilesTest {
  private static final ClassLoader LOADER = PrewovenClassFilesTest.class.getClassLoader();

  @Test
  void everyTypeTheAgentWeavesByNameIsPrewovenAsByteBuddyWeavesItNow() throws Exception {
    PrewovenClassFiles prewoven = PrewovenClassFiles.in(LOADER);
    ClassFileTransformer weaver = PrewovenClassFileWriter.weaver(LOADER);
    Set<String> names = PrewovenClassFileWriter.typeNames();
    int present = 0;
    for (String name : names) {
      String internal = name.replace('.', '/');
      byte[] original = classFile(internal);
      if (original == null) {
        continue;
      }
      present++;
      byte[] now = weaver.transform(LOADER.getUnnamedModule(), LOADER, internal, null, null, original.clone());
      assertNotNull(now, name + " was not woven");
      assertArrayEquals(now, prewoven.woven(LOADER, internal, original), name);
    }
    assertEquals(24, present, "DL4J 1.0.0-M2.1 has 24 of the " + names.size() + " types");
    assertEquals(present, prewoven.size());
  }

  @Test
  void aClassFileOtherThanTheOneItWasWovenFromIsLeftToByteBuddy() throws Exception {
    PrewovenClassFiles prewoven = PrewovenClassFiles.in(LOADER);
    String internal = "org/deeplearning4j/nn/layers/BaseLayer";
    byte[] original = classFile(internal);
    byte[] other = Arrays.copyOf(original, original.length + 1);

    assertNotNull(prewoven.woven(LOADER, internal, original));
    assertNull(prewoven.woven(LOADER, internal, other));
    assertNull(prewoven.woven(ClassLoader.getPlatformClassLoader(), internal, original));
    assertNull(prewoven.woven(LOADER, "org/deeplearning4j/nn/layers/NotWoven", original));
    assertNull(PrewovenClassFiles.none().woven(LOADER, internal, original));
  }

  private static byte[] classFile(String internalName) throws Exception {
    try (InputStream in = LOADER.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    }
  }
}
