/**
 * The {@code quant4j} command line: calibrate, export, report, conformance and demo.
 */
package org.quant4j.cli;
