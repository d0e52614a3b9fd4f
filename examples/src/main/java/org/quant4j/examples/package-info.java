/**
 * The demo and the worked examples.
 */
package org.quant4j.examples;
