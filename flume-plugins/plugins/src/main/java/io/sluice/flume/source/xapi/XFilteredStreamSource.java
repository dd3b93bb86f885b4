package io.sluice.flume.source.xapi;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.Rejecters;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.XSourceCounter;
import io.sluice.flume.source.stream.StreamHttpClient;
import io.sluice.flume.source.stream.StreamRunner;
import java.net.http.HttpClient;
import java.util.Objects;
import java.util.function.Function;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Posts from the X API v2 filtered stream ({@code GET /2/tweets/search/stream}) into
 * Flume, after making the app's stream rules equal to the ones declared in the configuration.
 *
 * <h2>Events</h2>
 * One event per Post; the body is the JSON object line exactly as X sent it ({@code data},
 * {@code includes}, {@code matching_rules}), UTF-8. Headers:
 * <ul>
 *   <li>{@value EventHeaders#EVENT_ID} and {@value EventHeaders#TWEET_ID}: {@code data.id}, the
 *       Post id;</li>
 *   <li>{@value EventHeaders#TIMESTAMP}: {@code data.created_at} in epoch milliseconds when present
 *       (requested by the default {@code tweetFields}), else the time the line was read;</li>
 *   <li>{@value EventHeaders#MATCHING_RULES}: the tags (or ids, for rules without a tag) of
 *       {@code matching_rules}, comma-separated, when present.</li>
 * </ul>
 * Keep-alive newlines are counted ({@code KeepAliveCount}) and not delivered. Error objects sent
 * in the stream ({@code {"errors": [...]}} without {@code data}, e.g.
 * {@code operational-disconnect}) are logged and counted ({@code StreamErrorCount}); X closes the
 * connection after them and the source reconnects. Any other line is delivered with its body
 * unchanged and the headers {@code rejectReason} ({@code invalid-json}, {@code missing-id} or
 * {@code unexpected-message}), {@code rejectedBy} = {@value Rejecters#X_FILTERED_STREAM_SOURCE} and
 * {@value EventHeaders#TIMESTAMP} = receive time, and counted in {@code MalformedMessageCount}.
 *
 * <h2>Credentials</h2>
 * The bearer token (OAuth 2.0 App-Only) is read when the source is configured, from the file
 * named by {@code bearerTokenFile} or else from the environment variable named by
 * {@code bearerTokenEnv} (default {@code X_BEARER_TOKEN}). A {@code bearerToken} key is refused,
 * so the token never sits in an agent configuration.
 *
 * <h2>Rules</h2>
 * Declared as {@code rules = cats,dogs}, {@code rules.cats.value = cat has:images},
 * {@code rules.cats.tag = cats with images} (the tag defaults to the name). With
 * {@code syncRules = true} (default) the first connection of each start is preceded by a sync
 * through the rules endpoint (see {@link XRulesClient}): rules of the app that are not declared
 * are deleted, so one app's rules should be managed by one source. With {@code syncRules = false}
 * the rules are left as they are.
 *
 * <h2>Connection</h2>
 * Reconnecting follows X's "Handling disconnections" guide: an established connection that drops
 * is replaced at once; failed attempts back off linearly for network errors
 * ({@code networkBackoffStepMs} 250 ms more per attempt up to {@code networkBackoffMaxMs} 16 s),
 * exponentially for HTTP errors ({@code httpBackoffInitialMs} 5 s doubling up to
 * {@code httpBackoffMaxMs} 320 s) and for HTTP 429 ({@code rateLimitBackoffInitialMs} 1 minute
 * doubling up to {@code rateLimitBackoffMaxMs} 16 minutes). When nothing arrives, not even the
 * keep-alive X sends every 20 s, for {@code keepAliveTimeoutMs} (30 s) the connection is given up
 * and reopened. Posts published while disconnected are lost unless {@code backfillMinutes} (0-5,
 * access-level dependent) asks X to resend them on reconnect; duplicates then carry the same
 * {@value EventHeaders#EVENT_ID}. The mechanics (demand-driven reading, batches of {@code
 * batchSize} or {@code batchDurationMs}, retry of refused batches) are {@link StreamRunner}'s.
 *
 * <h2>Configuration</h2>
 * The keys, with types, defaults and units, are declared in
 * {@link XStreamSourceConfig#DEFINITION}; {@code baseUrl} (default {@code https://api.x.com})
 * lets tests point the source at a local server. A bad, missing or unknown key, a token source
 * that yields no token, or a rule without a value fails {@link #configure(Context)} with a
 * {@link InvalidConfigurationException} naming the key.
 *
 * <h2>Metrics</h2>
 * {@link XSourceCounter} ({@code org.apache.flume.source:type=<name>}): the stream counters of
 * {@link io.sluice.flume.metrics.StreamSourceCounterMBean} plus {@code KeepAliveCount},
 * {@code StreamErrorCount}, {@code RateLimitedCount}, {@code RulesAddedCount},
 * {@code RulesDeletedCount}, {@code RulesRejectedCount}.
 */
public class XFilteredStreamSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(XFilteredStreamSource.class);

  private final Function<String, String> environment;
  private final XStreamMessages messages = new XStreamMessages();
  /**
   * The name, for the runner's thread: {@link #getName()} is synchronized on the source, which
   * {@link #stop()} holds while it waits for that thread.
   */
  private volatile String name;
  private XStreamSourceConfig config;
  private XSourceCounter counter;
  private StreamRunner runner;

  /** The constructor Flume uses: the token variable is read from the process environment. */
  public XFilteredStreamSource() {
    this(System::getenv);
  }

  /** Test seam: environment variables from the given lookup. */
  XFilteredStreamSource(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /**
   * Validates the configuration, reads the bearer token and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key on a bad, missing or unknown value
   */
  @Override
  public void configure(Context context) {
    name = getName();
    config = XStreamSourceConfig.parse(context, environment);
    if (counter == null) {
      counter = new XSourceCounter(getName());
    }
    LOG.info("{} configured: baseUrl={}, rules={}, syncRules={}", getName(), config.baseUrl,
        config.rules, config.syncRules);
  }

  /**
   * Starts the stream's thread, which syncs the rules and connects.
   *
   * @throws IllegalStateException if the source has not been configured
   */
  @Override
  public synchronized void start() {
    if (config == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    counter.start();
    StreamHttpClient http = new StreamHttpClient("x-stream-" + getName(), config.connectTimeoutMs,
        HttpClient.Version.HTTP_1_1);
    XRulesClient rules = new XRulesClient(http.client(), config, counter, getName());
    runner = new StreamRunner(getName(), new XStreamConnector(http.client(), config, rules, counter),
        this::toEvent, getChannelProcessor(), counter, config.runnerSettings());
    runner.closeOnStop(http);
    runner.start();
    super.start();
  }

  /** Stops reading and logs the counters. */
  @Override
  public synchronized void stop() {
    if (runner != null) {
      runner.stop();
      runner = null;
    }
    if (counter != null) {
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped. Metrics: {}", getName(), counter);
  }

  @Override
  public long getBatchSize() {
    return config == null ? XStreamSourceConfig.DEFAULT_BATCH_SIZE : config.batchSize;
  }

  /** Counters of this source; null before {@link #configure(Context)}. */
  XSourceCounter getCounter() {
    return counter;
  }

  /** Runs on the runner's thread. */
  private Event toEvent(String line) {
    XStreamMessages.Result result = messages.parse(line, System.currentTimeMillis());
    switch (result.kind) {
      case KEEP_ALIVE:
        counter.incrementKeepAliveCount();
        return null;
      case STREAM_ERROR:
        counter.incrementEventReceivedCount();
        counter.incrementStreamErrorCount();
        LOG.warn("{}: X sent an error in the stream: {}", name, result.errorSummary);
        return null;
      case MALFORMED:
        counter.incrementEventReceivedCount();
        counter.incrementMalformedMessageCount();
        LOG.debug("{}: malformed line ({}): {}", name, result.rejected.code(), line);
        return result.event;
      default:
        counter.incrementEventReceivedCount();
        return result.event;
    }
  }
}
