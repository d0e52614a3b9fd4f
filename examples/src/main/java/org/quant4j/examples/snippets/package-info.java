/**
 * Whole, compiled programs whose tagged regions are the Java blocks of the README and docs/. A region is
 * the lines between two {@code // [NAME]} lines (it may come in several parts, joined in file order); the
 * doc names it on the line above its fence, {@code <!-- snippet: snippets/File.java#NAME -->} (path relative
 * to {@code org/quant4j/examples}), and {@code DocSnippetsTest} fails the build when the two differ.
 */
package org.quant4j.examples.snippets;
