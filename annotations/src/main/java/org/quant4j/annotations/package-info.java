/**
 * Annotations that mark classes, parameters and accessors for quantization: {@code @Quantize},
 * {@code @QuantInput}, {@code @QuantWeight} and {@code @QuantDesc}. This module has no dependencies
 * and its annotations are retained in class files, so the agent sees them without this jar at run time.
 */
package org.quant4j.annotations;
