/**
 * {@link io.sluice.flume.interceptor.taildir.TailedLineInterceptor}: stable event ids for lines
 * read by Flume's {@code TAILDIR} source (file fingerprint and byte offset, stable across rename,
 * copytruncate and agent restarts), and the drop of lines a {@code copytruncate} copy repeats.
 * Keys: {@link io.sluice.flume.interceptor.taildir.TailedLineInterceptorConfig}.
 */
package io.sluice.flume.interceptor.taildir;
