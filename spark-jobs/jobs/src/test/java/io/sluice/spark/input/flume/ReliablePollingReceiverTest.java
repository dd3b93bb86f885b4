package io.sluice.spark.input.flume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ReliablePollingReceiver} in Spark {@code local[2]} against stock SparkSinks in child JVMs
 * ({@link SinkAgentProcess}), killed with {@code kill -9} and started again, as after an agent
 * crash: the case where Spark 2.4.7's own polling receiver can stop fetching for good.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReliablePollingReceiverTest {

  /** Occurrences of each received eventId (the tests run in one JVM with local[2]). */
  private static final Map<String, Integer> RECEIVED = new ConcurrentHashMap<>();

  private final List<Process> agents = new ArrayList<>();
  private final List<String> receiverErrors = new CopyOnWriteArrayList<>();
  private JavaStreamingContext ssc;

  @BeforeEach
  void clear() {
    RECEIVED.clear();
  }

  @AfterEach
  void stopAll() {
    agents.forEach(Process::destroyForcibly);
    if (ssc != null) {
      ssc.stop(true, false);
    }
  }

  @Test
  void flowsAgainWithinSecondsAfterTheAgentIsKilledAndRestartedOnItsPort() throws Exception {
    Agent first = startAgent(0, "first", 100_000, 2_000);
    startStream(first.port);
    await(Duration.ofSeconds(90), () -> count("first") >= 2_000, "2,000 events of the first agent");

    first.process.destroyForcibly().waitFor();
    int beforeRestart = count("first");
    Agent second = startAgent(first.port, "second", 3_000, 100_000);
    long restarted = System.nanoTime();
    await(Duration.ofSeconds(30), () -> count("second") == 3_000, "all 3,000 events of the restarted agent");

    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted)).isLessThan(30);
    assertThat(IntStream.range(0, 3_000).mapToObj(i -> "second-" + i).filter(id -> RECEIVED.get(id) != 1)
        .collect(Collectors.toList())).isEmpty();
    assertThat(count("first")).isGreaterThanOrEqualTo(beforeRestart).isLessThan(100_000);
    assertThat(second.process.isAlive()).isTrue();
  }

  @Test
  void reportsASinkItCannotReachThenPollsItOnceItStarts() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    startStream(port);
    await(Duration.ofSeconds(60), () -> receiverErrors.stream()
        .anyMatch(m -> m.startsWith("SparkSink 127.0.0.1:" + port + " unreachable")), "a receiver error naming the sink");

    startAgent(port, "late", 1_000, 100_000);
    await(Duration.ofSeconds(30), () -> count("late") == 1_000, "the 1,000 events of the agent started late");
    assertThat(RECEIVED.values().stream().filter(n -> n != 1).count()).isZero();
  }

  private void startStream(int port) {
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("ReliablePollingReceiverTest")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
    ssc = new JavaStreamingContext(conf, Durations.seconds(1));
    ssc.addStreamingListener(new ReceiverStatusListener(
        all -> all.forEach(r -> receiverErrors.add(r.lastError()))));
    SluiceFlumeUtils.createPollingStream(ssc, new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", port)},
            StorageLevel.MEMORY_ONLY(), 1_000, 1)
        .map(e -> e.event().getHeaders().get(new org.apache.avro.util.Utf8("eventId")).toString())
        .foreachRDD(rdd -> rdd.collect().forEach(id -> RECEIVED.merge(id, 1, Integer::sum)));
    ssc.start();
  }

  private static int count(String prefix) {
    return (int) RECEIVED.keySet().stream().filter(id -> id.startsWith(prefix + "-")).count();
  }

  private record Agent(Process process, int port) {}

  private Agent startAgent(int port, String prefix, int count, int perSecond) throws IOException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        SinkAgentProcess.class.getName(), String.valueOf(port), prefix, String.valueOf(count), String.valueOf(perSecond))
        .redirectErrorStream(true);
    Process process = pb.start();
    agents.add(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "agent-output-" + prefix);
        drain.setDaemon(true);
        drain.start();
        return new Agent(process, Integer.parseInt(line.substring(5).trim()));
      }
    }
    throw new IllegalStateException("agent " + prefix + " ended before printing its port");
  }

  private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
