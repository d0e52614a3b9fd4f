package org.quant4j.dl4j.internal;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.Test;

/** Installing the advice over the classes a JVM has already loaded. */
class QuantInstrumentationsTest {

  @Test
  void retransformingSkipsProxyClassesWithoutAnError() {
    Runnable proxy = (Runnable) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Runnable.class},
        (self, method, args) -> null);
    assertTrue(proxy.getClass().getName().contains("$Proxy"), proxy.getClass().getName());
    List<String> errors = new CopyOnWriteArrayList<>();
    Instrumentation instrumentation = ByteBuddyAgent.install();
    ResettableClassFileTransformer transformer = QuantInstrumentations.install(instrumentation,
        QuantInstrumentations.agentBuilder(any()).with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
              Throwable throwable) {
            if (typeName.contains("$Proxy")) {
              errors.add(typeName + ": " + throwable);
            }
          }
        }));
    try {
      assertEquals(List.of(), errors);
    } finally {
      transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }
  }

  @Test
  void everyDl4jInstrumentationIsListedOnceThroughTheServiceFile() {
    List<String> names = QuantInstrumentations.all().stream().map(i -> i.getClass().getSimpleName()).toList();
    assertEquals(List.of("AbstractLayerInstrumentation", "BackpropInstrumentation", "BaseLayerInstrumentation",
        "Convolution1DInstrumentation", "ElementWiseVertexInstrumentation", "ModelSerializerInstrumentation"), names);
  }
}
