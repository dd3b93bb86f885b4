package io.sluice.flume.source.agents;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flume.Event;
import org.apache.flume.channel.kafka.KafkaChannel;
import org.apache.flume.source.twitter.TwitterSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code agents/twitter-v1-agent.properties} with Flume's stock
 * {@link TwitterSource}, run by Flume's own configuration provider against a local server that
 * replays a recorded Twitter v1.1 streaming capture
 * ({@code twitter/python-twitter_streaming_lines.jsonl}) in the v1.1 streaming format. X retired
 * that API in 2023: nothing here reaches X.
 *
 * <p>twitter4j reads {@code twitter4j.streamBaseURL} once per JVM, when it first builds its
 * configuration, so the server is started and the property set before any TwitterSource exists.
 */
class TwitterV1AgentConfigTest {

  private static final String FILE = "twitter-v1-agent.properties";
  private static final String BASE_URL_PROPERTY = "twitter4j.streamBaseURL";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static HttpServer server;
  private static ExecutorService executor;
  private static final CountDownLatch CLOSING = new CountDownLatch(1);
  private static final List<String> PATHS = new CopyOnWriteArrayList<>();
  private static List<String> capture;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startV1StreamServer() throws IOException {
    try (InputStream in = TwitterV1AgentConfigTest.class
        .getResourceAsStream("/twitter/python-twitter_streaming_lines.jsonl")) {
      capture = new String(in.readAllBytes(), UTF_8).lines().collect(Collectors.toList());
    }
    executor = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/1.1/statuses/sample.json", exchange -> {
      PATHS.add(exchange.getRequestURI().toString());
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (String line : capture) {
          out.write((line + "\r\n").getBytes(UTF_8));
          out.flush();
          // Spread the capture over time: TwitterSource closes a batch only when a status
          // arrives after maxBatchDurationMillis.
          if (CLOSING.await(40, TimeUnit.MILLISECONDS)) {
            return;
          }
        }
        CLOSING.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client went away
      }
    });
    server.setExecutor(executor);
    server.start();
  }

  @AfterAll
  static void stopServer() {
    CLOSING.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  @Test
  void streamsRecordedStatusesAsAvroBatchesIntoTheChannel() throws Exception {
    try (AgentRun agent = AgentRun.start(FILE, "twitter", environment(), tmp, baseUrl())) {
      agent.assertComponents(List.of("sample"), List.of("events"), List.of());
      List<String> ids = new ArrayList<>();
      awaitTrue(TIMEOUT, () -> {
        for (Event event : agent.takeAvailable("events")) {
          ids.addAll(recordIds(event.getBody()));
        }
        return ids.size() >= 20;
      }, () -> "statuses received: " + ids.size());

      List<String> recorded = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : capture) {
        recorded.add(json.readTree(line).get("id_str").asText());
      }
      assertThat(ids).as("the capture's statuses, in order")
          .containsExactlyElementsOf(recorded.subList(0, ids.size()));
      assertThat(PATHS).allSatisfy(path ->
          assertThat(path).startsWith("/1.1/statuses/sample.json"));
    }
  }

  @Test
  void writesToKafkaUnlessTheChannelTypeIsOverridden() throws Exception {
    Map<String, String> properties = new HashMap<>(baseUrl());
    properties.put(AgentRun.CHANNEL_TYPE_PROPERTY, null);
    try (AgentRun agent = AgentRun.load(FILE, "twitter", environment(), properties, tmp)) {
      assertThat(agent.channel("events")).isInstanceOf(KafkaChannel.class);
    }
  }

  private static Map<String, String> baseUrl() {
    return Map.of(BASE_URL_PROPERTY,
        "http://127.0.0.1:" + server.getAddress().getPort() + "/1.1/");
  }

  private static Map<String, String> environment() {
    // Placeholder OAuth values: the local server does not check the signature.
    return Map.of(
        "TWITTER_CONSUMER_KEY", "test-consumer-key",
        "TWITTER_CONSUMER_SECRET", "test-consumer-secret",
        "TWITTER_ACCESS_TOKEN", "test-access-token",
        "TWITTER_ACCESS_TOKEN_SECRET", "test-access-token-secret",
        "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
  }

  private static List<String> recordIds(byte[] avroContainer) {
    List<String> ids = new ArrayList<>();
    try (DataFileStream<GenericRecord> records = new DataFileStream<>(
        new ByteArrayInputStream(avroContainer), new GenericDatumReader<>())) {
      for (GenericRecord record : records) {
        ids.add(record.get("id").toString());
      }
    } catch (IOException e) {
      throw new AssertionError("event body is not an Avro container file", e);
    }
    return ids;
  }
}
