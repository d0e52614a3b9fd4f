/**
 * The {@code -javaagent} entry points. They install the same advice as
 * {@code QuantModules.initialize()}, at class-load time.
 */
package org.quant4j.agent;
