/**
 * {@link io.sluice.flume.interceptor.dedup.DedupInterceptor}: drops an event whose
 * {@code eventId} (or configured header) was seen within a bounded window. Keys:
 * {@link io.sluice.flume.interceptor.dedup.DedupInterceptorConfig}.
 */
package io.sluice.flume.interceptor.dedup;
