/**
 * The annotation processor that writes {@code Quant<Name>} sources for {@code @Quantize} classes.
 */
package org.quant4j.processor;
