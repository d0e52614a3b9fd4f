/**
 * Not API: what every part of the runtime shares below its concepts (how files are written). Classes here
 * may change in any release.
 */
package org.quant4j.internal;
