/**
 * Whole, runnable programs whose marked regions are the code blocks of the README and docs/.
 */
package org.quant4j.examples.snippets;
