package io.sluice.flume.interceptor.syslog;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code agents/syslog-agent.properties} run by Flume's own configuration provider
 * ({@link AgentRun}), less its SparkSink (not on this module's classpath) and its dead-letter
 * file sink, with memory channels instead of the Kafka channels, so that the test takes every
 * event from the two channels: Flume's real {@code syslogtcp} and {@code syslogudp} sources on
 * free loopback ports and the {@code ReplaySource}, each with the static pipeline interceptor and
 * the {@link SyslogInterceptor}.
 *
 * <p>Messages sent: real auth.log lines given a PRI (the file has none), the RFC 5424 section 6.5
 * example, and synthetic malformed messages (a PRI out of range, a message without HOSTNAME),
 * labelled below; the replayed file is lnav's real {@code logfile_bad_syslog.0}.
 */
@Timeout(120)
class SyslogAgentTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String AGENT = "syslog";
  /** auth.log line 1 with PRI 38 (facility 4 auth, severity 6 info). */
  private static final String TCP_3164 =
      "<38>Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: Server listening on 0.0.0.0 port 22.";
  /** RFC 5424 section 6.5, example 1 (BOM before the MSG). */
  private static final String TCP_5424 = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su"
      + " - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8";
  /** Synthetic: PRI 300 is out of 0..191. */
  private static final String TCP_BAD_PRIORITY =
      "<300>Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: bad";
  /** auth.log line 1786 with PRI 38. */
  private static final String UDP_3164 = "<38>Mar 29 13:07:15 ip-10-77-20-248 sshd[2257]: Failed "
      + "password for elastic_user_0 from 85.245.107.41 port 51401 ssh2";
  /** Synthetic: as logger(1) writes to a local socket, no HOSTNAME. */
  private static final String UDP_NO_HOSTNAME = "<13>Mar 29 13:07:16 su[77]: no hostname here";

  @TempDir
  Path tmp;

  @Test
  void parsesMessagesFromTcpUdpAndTheReplayAndRoutesRejectsToTheDeadLetter() throws Exception {
    int tcpPort = freeTcpPort();
    int udpPort = freeUdpPort();
    Path replayed = TestData.edgeCase("lnav_logfile_bad_syslog.0");

    try (AgentRun run = start(replayed, tcpPort, udpPort)) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tcpPort);
          OutputStream out = socket.getOutputStream()) {
        out.write((TCP_3164 + "\n" + TCP_5424 + "\n" + TCP_BAD_PRIORITY + "\n").getBytes(UTF_8));
        out.flush();
      }
      try (DatagramSocket socket = new DatagramSocket()) {
        for (String message : List.of(UDP_3164, UDP_NO_HOSTNAME)) {
          byte[] data = message.getBytes(UTF_8);
          socket.send(new DatagramPacket(data, data.length,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort)));
        }
      }

      List<Event> events = run.awaitEvents("events", 9, TIMEOUT);
      List<Event> rejects = run.awaitEvents("rejects", 2, TIMEOUT);

      Map<String, Map<String, String>> byBody = byBody(events);
      assertThat(byBody).hasSize(9);
      assertThat(byBody.get(TCP_3164)).containsExactlyEntriesOf(sorted(Map.ofEntries(
          Map.entry("pipeline", "syslog"), Map.entry("senderIp", "127.0.0.1"),
          Map.entry("Facility", "4"), Map.entry("Severity", "6"), Map.entry("priority", "38"),
          Map.entry("host", "ip-10-77-20-248"), Map.entry("program", "sshd"),
          Map.entry("pid", "1291"), Map.entry("facility", "4"), Map.entry("severity", "6"),
          Map.entry("timestamp", rfc3164Millis(3, 27, 13, 6, 56)),
          Map.entry("message", "Server listening on 0.0.0.0 port 22."))));
      assertThat(byBody.get(TCP_5424)).containsExactlyEntriesOf(sorted(Map.ofEntries(
          Map.entry("pipeline", "syslog"), Map.entry("senderIp", "127.0.0.1"),
          Map.entry("Facility", "4"), Map.entry("Severity", "2"), Map.entry("priority", "34"),
          Map.entry("version", "1"), Map.entry("host", "mymachine.example.com"),
          Map.entry("program", "su"), Map.entry("facility", "4"), Map.entry("severity", "2"),
          Map.entry("timestamp", "1065910455003"),
          Map.entry("message", "'su root' failed for lonvick on /dev/pts/8"))));
      // Flume's source takes PRI 300 for facility 37, severity 4; the interceptor rejects it and
      // leaves the source's headers (its timestamp: Flume's parse, in the JVM's zone) as they are
      Map<String, String> badPriority = byBody.get(TCP_BAD_PRIORITY);
      Map<String, String> withoutFlumeTime = new TreeMap<>(badPriority);
      assertThat(withoutFlumeTime.remove("timestamp")).isNotNull();
      assertThat(withoutFlumeTime).containsExactlyEntriesOf(sorted(Map.ofEntries(
          Map.entry("pipeline", "syslog"), Map.entry("senderIp", "127.0.0.1"),
          Map.entry("Facility", "37"), Map.entry("Severity", "4"), Map.entry("priority", "300"),
          Map.entry("host", "ip-10-77-20-248"),
          Map.entry("rejectReason", "bad-priority"),
          Map.entry("rejectedBy", "syslog-interceptor"))));
      assertThat(byBody.get(UDP_3164)).containsExactlyEntriesOf(sorted(Map.ofEntries(
          Map.entry("pipeline", "syslog"), Map.entry("senderIp", "127.0.0.1"),
          Map.entry("Facility", "4"), Map.entry("Severity", "6"), Map.entry("priority", "38"),
          Map.entry("host", "ip-10-77-20-248"), Map.entry("program", "sshd"),
          Map.entry("pid", "2257"), Map.entry("facility", "4"), Map.entry("severity", "6"),
          Map.entry("timestamp", rfc3164Millis(3, 29, 13, 7, 15)),
          Map.entry("message", "Failed password for elastic_user_0 from 85.245.107.41 port "
              + "51401 ssh2"))));
      // no HOSTNAME: host is the sender's address (clientIPHeader senderIp). Flume's patterns do
      // not match this message, and its SyslogUtils does not reset its PRI text between
      // messages: its "priority" header is the previous datagram's 38 (PRI 13 is right in
      // Facility/Severity and in the interceptor's facility/severity)
      assertThat(byBody.get(UDP_NO_HOSTNAME)).containsExactlyEntriesOf(sorted(Map.ofEntries(
          Map.entry("pipeline", "syslog"), Map.entry("senderIp", "127.0.0.1"),
          Map.entry("Facility", "1"), Map.entry("Severity", "5"), Map.entry("priority", "38"),
          Map.entry("host", "127.0.0.1"), Map.entry("program", "su"), Map.entry("pid", "77"),
          Map.entry("facility", "1"), Map.entry("severity", "5"),
          Map.entry("timestamp", rfc3164Millis(3, 29, 13, 7, 16)),
          Map.entry("message", "no hostname here"))));

      List<String> replayLines = TestData.lines(replayed).stream()
          .map(b -> new String(b, UTF_8)).collect(Collectors.toList());
      Map<String, String> replayedReject = byBody.get(replayLines.get(2));
      assertThat(replayedReject).containsEntry("rejectReason", "missing-field")
          .containsEntry("rejectedBy", "syslog-interceptor")
          .containsEntry("eventId", "lnav_logfile_bad_syslog.0:3")
          .containsEntry("pipeline", "syslog").doesNotContainKeys("host", "program", "message");
      assertThat(byBody.get(replayLines.get(0))).containsEntry("host", "veridian")
          .containsEntry("program", "automount").containsEntry("pid", "7998")
          .containsEntry("eventId", "lnav_logfile_bad_syslog.0:1")
          .containsEntry("timestamp", rfc3164Millis(11, 3, 9, 23, 38))
          .containsEntry("message", "lookup(file): lookup for foobar failed")
          .doesNotContainKeys("severity", "facility", "rejectReason");

      // the dead-letter channel: exactly the two rejects, with the same headers
      Map<String, Map<String, String>> rejected = byBody(rejects);
      assertThat(rejected).containsOnlyKeys(TCP_BAD_PRIORITY, replayLines.get(2));
      assertThat(rejected.get(TCP_BAD_PRIORITY)).isEqualTo(badPriority);
      assertThat(rejected.get(replayLines.get(2))).isEqualTo(replayedReject);
    }
  }

  /** The raw-archive switch that ends every channel list (ArchiveStanzaTest checks it). */
  private static final String ARCHIVE = " ${env:SLUICE_HDFS_ARCHIVE:-}";

  @Test
  void eachSourceRoutesExactlyTheCodesItsEventsCanCarryToBothChannels() throws IOException {
    List<String> expected = new ArrayList<>(SyslogInterceptor.rejectCodes());
    expected.add("line-too-long");
    List<String> file = Files.readAllLines(AgentRun.agentFile("syslog-agent.properties"));

    for (String source : List.of("tcp", "udp", "replay")) {
      String prefix = AGENT + ".sources." + source + ".selector.mapping.";
      Map<String, String> mapped = file.stream().filter(l -> l.startsWith(prefix))
          .collect(Collectors.toMap(l -> l.substring(prefix.length(), l.indexOf(' ')),
              l -> l.substring(l.indexOf('=') + 1).replace(ARCHIVE, "").trim()));
      assertThat(mapped.keySet()).as(source).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(mapped.values()).as(source).containsOnly("events rejects");
      assertThat(file).as(source).contains(AGENT + ".sources." + source
          + ".selector.default = events" + ARCHIVE, AGENT + ".sources." + source
          + ".interceptors = pipeline syslog");
    }
  }

  @Test
  void takesTheFirst2048BytesOfALongerUdpDatagram() throws Exception {
    int udpPort = freeUdpPort();
    // synthetic: a 3,000-byte message
    String message = "<38>Mar 27 13:06:56 ip-10-77-20-248 sshd[1291]: " + "x".repeat(2952);
    assertThat(message).hasSize(3000);

    try (AgentRun run = start(Files.writeString(tmp.resolve("empty.log"), ""), freeTcpPort(),
        udpPort); DatagramSocket socket = new DatagramSocket()) {
      byte[] data = message.getBytes(UTF_8);
      socket.send(new DatagramPacket(data, data.length,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort)));

      List<Event> events = run.awaitEvents("events", 1, TIMEOUT);

      // Netty's default receive buffer of Flume 1.11's UDP source: the rest is lost, unflagged
      assertThat(new String(events.get(0).getBody(), UTF_8))
          .isEqualTo(message.substring(0, 2048));
      assertThat(events.get(0).getHeaders()).containsEntry("program", "sshd")
          .containsEntry("message", "x".repeat(2048 - 48)).doesNotContainKey("rejectReason");
    }
  }

  /**
   * Starts the agent on {@link #memoryChannelsOnly()} replaying {@code file}, and waits until its
   * TCP and UDP sources hold their ports.
   */
  private AgentRun start(Path file, int tcpPort, int udpPort) throws Exception {
    Map<String, String> environment = new HashMap<>();
    environment.put("SLUICE_SYSLOG_FILE", file.toString());
    environment.put("SLUICE_SYSLOG_HOST", "127.0.0.1");
    environment.put("SLUICE_SYSLOG_TCP_PORT", Integer.toString(tcpPort));
    environment.put("SLUICE_SYSLOG_UDP_PORT", Integer.toString(udpPort));
    environment.put("SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
    environment.put("SLUICE_REJECTS_DIR",
        Files.createDirectories(tmp.resolve("out/rejects/syslog")).toString());
    environment.put("SLUICE_STATE_DIR", tmp.resolve("state").toString());
    AgentRun run = AgentRun.start(memoryChannelsOnly(), AGENT, environment, tmp, Map.of());
    try {
      run.assertComponents(List.of("tcp", "udp", "replay"), List.of("events", "rejects"),
          List.of());
      awaitTrue(TIMEOUT, () -> tcpListening(tcpPort), () -> "TCP source on " + tcpPort);
      awaitTrue(TIMEOUT, () -> udpBound(udpPort), () -> "UDP source on " + udpPort);
      return run;
    } catch (Exception | AssertionError e) {
      run.close();
      throw e;
    }
  }

  /** Epoch ms of a yearless RFC 3164 time in UTC, by the interceptor's rule for the year. */
  private static String rfc3164Millis(int month, int day, int hour, int minute, int second) {
    Instant now = Instant.now();
    int year = now.atZone(ZoneOffset.UTC).getYear();
    Instant t = LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    if (t.isAfter(now.plus(Duration.ofDays(1)))) {
      t = LocalDateTime.of(year - 1, month, day, hour, minute, second)
          .toInstant(ZoneOffset.UTC);
    }
    return Long.toString(t.toEpochMilli());
  }

  private static Map<String, String> sorted(Map<String, String> headers) {
    return new TreeMap<>(headers);
  }

  /**
   * Headers by body. A message of the network sources has a random {@code syslog:<UUID>} eventId
   * (checked here, then left out of the map); a replayed line keeps its {@code file:line}.
   */
  private static Map<String, Map<String, String>> byBody(List<Event> events) {
    Map<String, Map<String, String>> byBody = new TreeMap<>();
    for (Event e : events) {
      Map<String, String> headers = sorted(e.getHeaders());
      if (headers.containsKey("senderIp")) {
        assertThat(headers.remove("eventId")).matches("syslog:[0-9a-f-]{36}");
      }
      byBody.put(new String(e.getBody(), UTF_8), headers);
    }
    return byBody;
  }

  /**
   * {@code agents/syslog-agent.properties} without its sinks, its Kafka channels as memory
   * channels (the kafka.* keys are then ignored), so the agent runs without a broker and the
   * test takes the events from both channels.
   */
  private Path memoryChannelsOnly() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(AgentRun.agentFile("syslog-agent.properties"))) {
      if (line.startsWith(AGENT + ".sinks = ")) {
        lines.add(AGENT + ".sinks =");
      } else if (line.matches(AGENT + "\\.channels\\.\\w+\\.type = .*")) {
        String channel = line.substring(0, line.indexOf(".type"));
        lines.add(channel + ".type = memory");
        lines.add(channel + ".capacity = 10000");
        lines.add(channel + ".transactionCapacity = 2000");
      } else if (!line.startsWith(AGENT + ".sinks.")) {
        lines.add(line);
      }
    }
    return Files.write(tmp.resolve("syslog-memory-channels.properties"), lines);
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean tcpListening(int port) {
    try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The UDP source holds the port once binding it here fails. */
  private static boolean udpBound(int port) {
    try (DatagramSocket ignored = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      return false;
    } catch (BindException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
