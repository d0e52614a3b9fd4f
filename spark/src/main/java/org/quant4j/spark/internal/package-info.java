/** What the Spark entry points share: the wire format, the executor's network, partition batches. Not API. */
package org.quant4j.spark.internal;
