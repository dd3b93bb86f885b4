package io.sluice.flume.metrics;

import org.apache.flume.instrumentation.SourceCounterMBean;

/**
 * JMX view of {@link StreamSourceCounter}: Flume's standard source counters plus one counter per
 * failure class of a long-lived stream connection. Registered under
 * {@code org.apache.flume.source:type=<source name>} and served by Flume's monitoring (HTTP JSON,
 * Ganglia, Sluice's Prometheus service) as {@code SOURCE.<source name>}.
 *
 * <p>Standard counters as streaming sources use them: {@code EventReceivedCount} messages read from
 * the stream (keep-alives excluded), {@code EventAcceptedCount} events the channel accepted,
 * {@code AppendBatchReceivedCount} / {@code AppendBatchAcceptedCount} batches formed / accepted,
 * {@code ChannelWriteFail} batch attempts the channel refused (the batch is retried),
 * {@code OpenConnectionCount} 1 while connected, else 0.
 */
public interface StreamSourceCounterMBean extends SourceCounterMBean {

  /** Connections established (WebSocket opened, HTTP 200 received). */
  long getConnectCount();

  /** Connection attempts that failed (network error, refused handshake, HTTP error status). */
  long getConnectFailCount();

  /** Established connections that ended (closed by the server, network error, idle timeout). */
  long getDisconnectCount();

  /** Connections given up because nothing (not even a keep-alive) arrived in the idle timeout. */
  long getIdleTimeoutCount();

  /** Messages that are not valid for the source, delivered with a {@code rejectReason} header. */
  long getMalformedMessageCount();

  /** Messages read but not delivered because the configuration filters them out. */
  long getFilteredEventCount();
}
