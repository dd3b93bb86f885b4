/**
 * Flume interceptors of Sluice.
 *
 * <ul>
 *   <li>{@link io.sluice.flume.interceptor.AccessLogInterceptor}: Apache common, combined,
 *       vhost_combined and nginx combined access-log lines into headers (body untouched);</li>
 *   <li>{@link io.sluice.flume.interceptor.TweetNormalizerInterceptor}: Twitter v1.1, X API v2
 *       and Bluesky Jetstream posts into common headers and, optionally, an Avro record
 *       body;</li>
 *   <li>{@link io.sluice.flume.interceptor.DedupInterceptor}: drops an event whose
 *       {@code eventId} was seen within a bounded window.</li>
 * </ul>
 * The parsing interceptors never drop an event: one that does not parse keeps its body and gets
 * the headers {@value io.sluice.flume.interceptor.RejectionHeaders#REJECT_REASON} (a code from
 * the interceptor's closed {@code RejectReason} enum) and
 * {@value io.sluice.flume.interceptor.RejectionHeaders#REJECTED_BY}, so an agent routes it to a
 * dead letter with a multiplexing channel selector. An event that arrives already rejected (e.g.
 * a line the replay source cut, {@code line-too-long}) is passed on untouched and counted as
 * rejected with its reason. Every interceptor counts each outcome and
 * each failure class in an {@code INTERCEPTOR} counter group
 * ({@link io.sluice.flume.metrics.InterceptorCounter}); configuration keys are declared once
 * (classes {@code *Config}) and a bad value fails {@code configure()} naming the key. Each is
 * built by a nested {@code Builder}: configure {@code <class>$Builder}.
 */
package io.sluice.flume.interceptor;
