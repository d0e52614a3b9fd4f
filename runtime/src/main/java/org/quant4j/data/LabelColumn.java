package org.quant4j.data;

/** Where a CSV row keeps its class label, if it has one. */
public enum LabelColumn {
  /** Every value of the row is a pixel. */
  NONE,
  /** The first value is the label, the rest are pixels (Kaggle's MNIST CSV). */
  FIRST,
  /** The last value is the label (scikit-learn's digits.csv). */
  LAST
}
