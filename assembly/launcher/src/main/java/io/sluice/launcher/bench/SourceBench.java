package io.sluice.launcher.bench;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.kafka.LocalKafka;
import io.sluice.launcher.mqtt.LocalMosquitto;
import io.sluice.launcher.process.AgentMetrics;
import io.sluice.launcher.process.FlumeAgent;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import io.sluice.launcher.process.RunningParts;
import io.sluice.launcher.zeromq.DemoPusher;
import java.io.BufferedReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench source}: events per second of each way into the logs pipeline, from the source to
 * its Kafka channel (the put side; nothing takes from the channel), in one run, so they compare:
 * <ul>
 *   <li>{@code replay}: the packaged {@code logs} agent ({@code ReplaySource}) replaying the input file, the
 *       baseline;</li>
 *   <li>{@code mqtt}: the packaged {@code mqtt} agent ({@code MqttSource}, MQTT 5, QoS 1, batches of 1,000)
 *       reading from a local mosquitto what this command publishes there (HiveMQ client, QoS 1, all in
 *       flight at once);</li>
 *   <li>{@code zeromq}: the packaged {@code zeromq} agent ({@code ZeroMqSource}, PULL bound, batches of 1,000)
 *       reading what this command pushes on a ZeroMQ PUSH socket (event-id frame + line);</li>
 *   <li>{@code tcp}: the packaged {@code tcp} agent (Flume's {@code netcat} source, one transaction per line)
 *       reading what this command sends on one TCP connection, reading its {@code OK}s on another thread.</li>
 * </ul>
 * Every agent has the static/parse interceptors of its file and the same Kafka channel settings; all use one
 * local Kafka broker (a topic each). Input: {@code --events N} lines of the bundled real access log, repeated
 * ({@link BenchInput}). Throughput = N / (t_end - t_start), t_start the first poll (every {@value #POLL_MS}
 * ms) that sees an event in the channel (the channel's {@code EventPutSuccessCount} above 0), t_end the first
 * that sees all N; so a source's start-up is not counted, and the error is about two poll intervals. Checks:
 * the channel holds exactly N events 2 s after (none lost, none twice), else the source's line says so and
 * the exit status is 1. Ends with {@code <source>-events-per-second: <n>} lines.
 */
@Command(name = "source", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmark each source into its Kafka channel (put side) in one run: the replay source (baseline), "
        + "MQTT (mosquitto), ZeroMQ (PUSH/PULL) and TCP (Flume's netcat source).",
        "Prints a table and, last, lines such as 'mqtt-events-per-second: <n>'. Exit status 1 when a source does not "
            + "put exactly --events events."})
public final class SourceBench implements Callable<Integer> {

  static final long POLL_MS = 100;
  static final Duration SETTLE = Duration.ofSeconds(2);

  /** The sources, in the order they run. */
  enum Via { replay, mqtt, zeromq, tcp }

  @Option(names = "--events", paramLabel = "N", defaultValue = "100000",
      description = "Lines per source, the bundled access log repeated (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--via", paramLabel = "LIST", split = ",", defaultValue = "replay,mqtt,zeromq,tcp",
      description = "Sources to measure, comma-separated, in this order (default: ${DEFAULT-VALUE}).")
  List<Via> vias;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-source-out",
      description = "Working directory: input file, broker data, process logs (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Longest time one source may take (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time the broker and each agent get to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  private final RunningParts running = new RunningParts();
  private final PrintStream console = System.out;

  /** One source's outcome. */
  record Result(Via via, long events, long put, double seconds, String problem) {
    double rate() {
      return seconds > 0 ? events / seconds : 0;
    }
  }

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    Path dir = out.toAbsolutePath().normalize();
    for (String child : List.of("kafka", "logs", "mqtt", "rejects", "state")) {
      RunningParts.deleteTree(dir.resolve(child));
    }
    Files.createDirectories(dir);
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);
    BenchInput input = BenchInput.create(home.samples().resolve(PipelineBench.SAMPLE), events,
        dir.resolve(PipelineBench.INPUT_NAME));
    Thread hook = new Thread(running::stopAll, "sluice-bench-source-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<Result> results = new ArrayList<>();
    try {
      console.printf(Locale.ROOT, "Sluice %s bench source: %,d events (%s) per source into a Kafka channel: %s%n",
          home.version(), input.lines(), input.label(), vias);
      console.println("starting Kafka broker (KRaft) ...");
      LocalKafka kafka;
      try {
        kafka = running.add(LocalKafka.start(home, dir.resolve("kafka"), dir.resolve("logs"), startup));
      } catch (LaunchException e) {
        System.err.println("sluice bench source failed: " + e.getMessage());
        return 1;
      }
      List<String> topics = new ArrayList<>();
      for (Via via : vias) {
        topics.add(topic(via));
        topics.add(topic(via) + "-rejects");
      }
      kafka.createTopics(topics);
      for (Via via : vias) {
        console.println();
        console.println(via + ":");
        try {
          results.add(measure(via, home, kafka, input, dir, startup));
        } catch (LaunchException e) {
          console.println("  failed: " + e.getMessage());
          results.add(new Result(via, input.lines(), -1, 0, e.getMessage()));
        }
      }
    } finally {
      running.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook runs stopAll().
      }
    }
    console.println();
    console.printf(Locale.ROOT, "Results: %,d events per source, into a Kafka channel (one local broker, acks=all).%n",
        input.lines());
    console.printf(Locale.ROOT, "  %-8s %12s %10s %12s  %s%n", "source", "events", "seconds", "events/s", "check");
    for (Result r : results) {
      console.printf(Locale.ROOT, "  %-8s %,12d %10.2f %,12.0f  %s%n", r.via(), r.put(), r.seconds(), r.rate(),
          r.problem() == null ? "exactly " + String.format(Locale.ROOT, "%,d", r.events()) : r.problem());
    }
    console.println();
    for (Result r : results) {
      console.printf(Locale.ROOT, "%s-events-per-second: %.0f%n", r.via(), r.rate());
    }
    return results.stream().allMatch(r -> r.problem() == null) ? 0 : 1;
  }

  private static String topic(Via via) {
    return via == Via.replay ? "sluice-logs" : "sluice-bench-" + via;
  }

  private Result measure(Via via, SluiceHome home, LocalKafka kafka, BenchInput input, Path dir, Duration startup)
      throws IOException, InterruptedException {
    Path logDir = dir.resolve("logs");
    Map<String, String> env = new HashMap<>();
    env.put("SLUICE_KAFKA_BOOTSTRAP", kafka.bootstrap());
    env.put("SLUICE_SINK_HOST", Net.LOOPBACK);
    env.put("SLUICE_REJECTS_DIR", Files.createDirectories(dir.resolve("rejects").resolve(via.name())).toString());
    env.put("SLUICE_STATE_DIR", dir.resolve("state").resolve(via.name()).toString());
    String agentName;
    Runnable feed;
    AtomicReference<String> feedError = new AtomicReference<>();
    switch (via) {
      case replay -> {
        agentName = "logs";
        env.put("SLUICE_LOGS_FILE", input.file().toString());
        env.put("SLUICE_LOGS_SINK_PORT", Integer.toString(Net.freePort()));
        feed = () -> { };
      }
      case mqtt -> {
        agentName = "mqtt";
        int port = Net.freePort();
        console.println("  starting mosquitto on " + Net.LOOPBACK + ":" + port + " ...");
        LocalMosquitto broker = running.add(LocalMosquitto.start(home, port, dir.resolve("mqtt"),
            logDir.resolve("mosquitto.log"), startup));
        broker.createSession("sluice-bench-mqtt", "bench/logs");
        env.putAll(Map.of("SLUICE_MQTT_BROKER", broker.uri(), "SLUICE_MQTT_TOPICS", "bench/logs",
            "SLUICE_MQTT_CLIENT_ID", "sluice-bench-mqtt", "SLUICE_MQTT_KAFKA_TOPIC", topic(via),
            "SLUICE_MQTT_SINK_PORT", Integer.toString(Net.freePort())));
        feed = () -> run(feedError, () -> broker.publishLines(input.file(), "bench/logs", "sluice-bench-publisher",
            Duration.ofSeconds(timeoutSeconds)));
      }
      case zeromq -> {
        agentName = "zeromq";
        String endpoint = "tcp://" + Net.LOOPBACK + ":" + Net.freePort();
        DemoPusher pusher = running.add(new DemoPusher());
        env.putAll(Map.of("SLUICE_ZEROMQ_SOCKET_TYPE", "PULL", "SLUICE_ZEROMQ_ENDPOINTS", endpoint,
            "SLUICE_ZEROMQ_MODE", "bind", "SLUICE_ZEROMQ_EVENT_ID_FRAME", "true", "SLUICE_ZEROMQ_KAFKA_TOPIC", topic(via),
            "SLUICE_ZEROMQ_SINK_PORT", Integer.toString(Net.freePort())));
        feed = () -> run(feedError, () -> pusher.push(input.file(), endpoint));
      }
      case tcp -> {
        agentName = "tcp";
        int port = Net.freePort();
        env.putAll(Map.of("SLUICE_TCP_HOST", Net.LOOPBACK, "SLUICE_TCP_PORT", Integer.toString(port),
            "SLUICE_TCP_ACK", "true", "SLUICE_TCP_SINK_PORT", Integer.toString(Net.freePort())));
        feed = () -> run(feedError, () -> sendTcp(input.file(), port));
      }
      default -> throw new IllegalStateException(via.name());
    }
    console.println("  starting Flume agent '" + agentName + "' (" + home.agentConfig(agentName) + ") ...");
    FlumeAgent agent = running.add(FlumeAgent.launch(home, agentName, "bench-" + via, home.agentConfig(agentName),
        env, dir, logDir));
    agent.awaitReady(via == Via.tcp ? List.of(Integer.parseInt(env.get("SLUICE_TCP_PORT"))) : List.of(), startup);
    Thread feeder = new Thread(feed, "sluice-bench-feed-" + via);
    feeder.setDaemon(true);
    feeder.start();

    long n = input.lines();
    List<ManagedProcess> processes = List.of(agent.process(), kafka.process());
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long first = 0;
    long last = 0;
    long nextReport = 0;
    long started = System.nanoTime();
    while (true) {
      for (ManagedProcess p : processes) {
        if (!p.isAlive()) {
          throw new LaunchException(p.name() + " exited (" + p.exitValue() + "); see " + p.log());
        }
      }
      if (feedError.get() != null) {
        throw new LaunchException("feeding " + via + " failed: " + feedError.get());
      }
      long now = System.nanoTime();
      long put = put(agent.metrics());
      if (first == 0 && put > 0) {
        first = now;
      }
      if (put >= n) {
        last = now;
      }
      if (last > 0 || now >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  in the Kafka channel: %,d of %,d%n", (now - started) / 1e9, put, n);
        nextReport = now + Duration.ofSeconds(2).toNanos();
      }
      if (last > 0) {
        break;
      }
      if (now > deadline) {
        throw new LaunchException(String.format(Locale.ROOT, "timed out after %d s with %,d of %,d events in the "
            + "channel; see %s", timeoutSeconds, put, n, agent.process().log()));
      }
      Thread.sleep(POLL_MS);
    }
    Thread.sleep(SETTLE.toMillis());
    long put = put(agent.metrics());
    double seconds = Math.max((last - first) / 1e9, POLL_MS / 1000.0);
    String problem = put == n ? null
        : String.format(Locale.ROOT, "%,d events in the channel %d s later, not %,d", put, SETTLE.toSeconds(), n);
    console.printf(Locale.ROOT, "  %,d events in %.2f s: %,.0f events/s%s%n", n, seconds, n / seconds,
        problem == null ? "" : " (" + problem + ")");
    agent.close();
    return new Result(via, n, put, seconds, problem);
  }

  /** Events the agent's Kafka channel committed from its source. */
  private static long put(AgentMetrics metrics) {
    return FlumeAgent.counter(metrics, "CHANNEL.events", "flume_event_put_success_total");
  }

  /** Sends every line of {@code file} to the netcat source on one connection, reading its answers on another thread. */
  private static long sendTcp(Path file, int port) throws IOException, InterruptedException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Net.LOOPBACK, port), 5_000);
      AtomicLong ok = new AtomicLong();
      AtomicReference<String> failed = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String answer; (answer = in.readLine()) != null; ) {
            if (answer.equals("OK")) {
              ok.incrementAndGet();
            } else {
              failed.compareAndSet(null, answer);
            }
          }
        } catch (IOException closed) {
          // the connection ends with the benchmark
        }
      }, "sluice-bench-tcp-answers");
      reader.setDaemon(true);
      reader.start();
      long lines = 0;
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line; (line = in.readLine()) != null; ) {
          out.write(line.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          lines++;
        }
      }
      out.flush();
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (ok.get() < lines && failed.get() == null && System.nanoTime() < deadline) {
        Thread.sleep(POLL_MS);
      }
      if (failed.get() != null) {
        throw new IOException("the netcat source answered: " + failed.get());
      }
      return lines;
    }
  }

  @FunctionalInterface
  private interface Feed {
    long run() throws IOException, InterruptedException;
  }

  private static void run(AtomicReference<String> error, Feed feed) {
    try {
      feed.run();
    } catch (IOException | RuntimeException e) {
      error.compareAndSet(null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
