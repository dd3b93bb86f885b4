/**
 * Flume interceptors of Sluice, one package each ({@code accesslog}, {@code post},
 * {@code dedup}); this package holds what they share,
 * {@link io.sluice.flume.interceptor.CountingInterceptor}.
 *
 * <ul>
 *   <li>{@link io.sluice.flume.interceptor.accesslog.AccessLogInterceptor}: Apache common,
 *       combined, vhost_combined and nginx combined access-log lines into headers (body
 *       untouched);</li>
 *   <li>{@link io.sluice.flume.interceptor.post.TweetNormalizerInterceptor}: Twitter v1.1, X API v2
 *       and Bluesky Jetstream posts into common headers and, optionally, an Avro record
 *       body;</li>
 *   <li>{@link io.sluice.flume.interceptor.dedup.DedupInterceptor}: drops an event whose
 *       {@code eventId} was seen within a bounded window.</li>
 * </ul>
 * The parsing interceptors never drop an event: one that does not parse keeps its body and gets
 * the headers {@value io.sluice.contract.EventHeaders#REJECT_REASON} (a code from
 * the interceptor's subset of the closed {@link io.sluice.contract.RejectReason}) and
 * {@value io.sluice.contract.EventHeaders#REJECTED_BY}, so an agent routes it to a
 * dead letter with a multiplexing channel selector. An event that arrives already rejected (e.g.
 * a line the replay source cut, {@code line-too-long}) is passed on untouched (a rejection is
 * final: neither parsed nor given another reason) and counted as rejected with its reason. Every
 * interceptor counts each outcome and each failure class in an {@code INTERCEPTOR} counter group
 * ({@link io.sluice.flume.metrics.InterceptorCounter}); configuration keys are declared once
 * (classes {@code *Config}) and a bad value fails {@code configure()} naming the key. Each is
 * built by a nested {@code Builder}: configure {@code <class>$Builder}.
 */
package io.sluice.flume.interceptor;
