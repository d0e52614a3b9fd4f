/**
 * The demo's network and recipe (DESIGN.md, "The demo's network and recipe"): LeNet-5, Adam with cosine
 * learning-rate decay, training with a progress bar, and top-1 evaluation.
 */
package org.quant4j.examples.lenet;
