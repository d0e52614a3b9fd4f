/**
 * A plain Deeplearning4j application that imports nothing of quant4j: the application the {@code -javaagent}
 * quantizes without changing it. The agent's integration tests run it with and without the agent.
 */
package org.quant4j.examples.plainapp;
