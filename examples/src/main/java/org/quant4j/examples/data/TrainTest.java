package org.quant4j.examples.data;

import org.quant4j.data.ImageSet;

/**
 * A data set's two halves.
 *
 * @param name the data set's name, as the demo prints it
 * @param train the training images
 * @param test the test images
 */
public record TrainTest(String name, ImageSet train, ImageSet test) {}
