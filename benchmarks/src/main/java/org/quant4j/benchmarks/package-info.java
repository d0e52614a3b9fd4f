/**
 * JMH benchmarks. Each measures a quant4j operation against an anchor taken in the same run.
 */
package org.quant4j.benchmarks;
