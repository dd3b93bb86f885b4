package io.sluice.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice kafka}: a single-node Kafka 3.9 broker in KRaft mode (broker and controller in one
 * JVM) in the foreground, from {@code lib/kafka}. Formats the data directory on first start (a
 * restart keeps the data), creates the given topics once the broker answers, then runs until
 * stopped (SIGTERM, Ctrl-C). Output goes to stdout.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a single-node Kafka 3.9 broker (KRaft: broker and controller in one JVM) in the foreground.",
    footer = {"", "Example:", "  sluice kafka --data /var/lib/sluice/kafka --listen 10.0.0.1:9092 --topics sluice-logs,sluice-tweets"})
public final class KafkaCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "kafka-data",
      description = "Data directory: server.properties and the log directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "Address of the broker's PLAINTEXT listener (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "9093",
      description = "Port of the KRaft controller listener, on the --listen address (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--advertise", paramLabel = "HOST",
      description = "Address clients are told to connect to (default: the --listen address).")
  String advertise;

  @Option(names = "--topics", paramLabel = "TOPIC", split = ",", splitSynopsisLabel = ",",
      description = "Topics to create once the broker is up (1 partition, replication 1); existing topics are kept.")
  List<String> topics = new ArrayList<>();

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time the broker gets to answer (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    KafkaSettings settings;
    try {
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected HOST:PORT");
      }
      settings = new KafkaSettings(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)),
          controllerPort, advertise, data);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--listen " + listen + ": " + e.getMessage());
    }
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(home, settings, null, Duration.ofSeconds(startupTimeoutSeconds));
    } catch (LaunchException e) {
      System.err.println("sluice kafka failed: " + e.getMessage());
      return 1;
    }
    try {
      kafka.createTopics(topics);
    } catch (LaunchException e) {
      System.err.println("sluice kafka failed: " + e.getMessage());
      kafka.close();
      return 1;
    }
    System.out.printf("sluice kafka: broker ready on %s (data %s)%s%n", settings.bootstrap(), settings.dataDir(),
        topics.isEmpty() ? "" : ", topics " + String.join(",", topics));
    System.out.flush();
    return Foreground.run(kafka.process(), Duration.ofSeconds(20));
  }
}
