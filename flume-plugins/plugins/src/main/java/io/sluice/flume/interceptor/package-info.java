/**
 * Flume interceptors of Sluice: parse an event body into headers, never modify the body and
 * never drop an event.
 *
 * <p>{@link io.sluice.flume.interceptor.AccessLogInterceptor} parses Apache common/combined (and
 * nginx-style) access-log lines; {@link io.sluice.flume.interceptor.TweetInterceptor} parses
 * Twitter v1.1 status JSON. An event that does not parse keeps its body and gets the headers
 * {@value io.sluice.flume.interceptor.RejectionHeaders#REJECT_REASON} (a code from the
 * interceptor's closed {@code RejectReason} enum) and
 * {@value io.sluice.flume.interceptor.RejectionHeaders#REJECTED_BY}, so an agent can route it
 * with a multiplexing channel selector. Both are built by a nested {@code Builder}: configure
 * them as {@code io.sluice.flume.interceptor.AccessLogInterceptor$Builder} and
 * {@code io.sluice.flume.interceptor.TweetInterceptor$Builder}.
 */
package io.sluice.flume.interceptor;
