package io.sluice.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Kafka 3.9 broker (KRaft, broker and controller in one process) for tests, in a
 * JVM of its own: the broker is Scala 2.13 and cannot share the Spark test JVM (Scala 2.11). Runs
 * from the jars {@code assembly/kafka-runtime} copies to its {@code target/lib} (system property
 * {@code sluice.kafka.lib}, set by surefire). The client listener binds port 0 and the test reads
 * the port it got from the broker's log (its acceptor's {@code Awaiting socket connections on
 * host:port}, the bound port), so no other process can take it between a pick and the bind. The
 * KRaft controller listener stays on a free port picked just before the start: the static quorum
 * ({@code controller.quorum.voters}) must name its port in advance. Talks to the broker with the test JVM's
 * kafka-clients 2.0 (the version Spark's Kafka integration runs on).
 *
 * <p>{@link #startSecure} starts it as {@code bin/sluice kafka --tls --scram-user} does: the client
 * listener (also the inter-broker one) is {@code SASL_SSL} with SCRAM-SHA-512, its certificate a
 * self-signed EC key made with {@code keytool} for {@code 127.0.0.1} and {@code localhost}, trusted through
 * {@code tls/truststore.p12} (its password in {@code tls/truststore.password}, as the launcher
 * writes them); the SCRAM users (the broker's own and the test's) are created when the storage is
 * formatted. Secrets stay in files: {@code server.properties} refers to them through Kafka's
 * {@code FileConfigProvider} and Kafka tools read their passwords from java argument files.
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String SCRAM = "SCRAM-SHA-512";
  private static final String BROKER_USER = "broker";
  private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";

  private final Process process;
  private final String bootstrap;
  private final Path log;
  private final Path dir;
  private final List<String> javaCommand;
  /** Settings that clients of the test add: none, or SASL_SSL as the test's user. */
  private volatile Map<String, Object> clientSecurity;

  private KafkaBroker(Process process, String bootstrap, Path log, Path dir, List<String> javaCommand,
      Map<String, Object> clientSecurity) {
    this.process = process;
    this.bootstrap = bootstrap;
    this.log = log;
    this.dir = dir;
    this.javaCommand = javaCommand;
    this.clientSecurity = clientSecurity;
  }

  /** A PLAINTEXT broker. */
  public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    return start(dir, null, null);
  }

  /**
   * A broker whose only client listener is SASL_SSL: clients must trust {@link #truststore()} and
   * log in with SCRAM-SHA-512 as {@code user}, whose password is the content of
   * {@code userPasswordFile} (trailing line breaks dropped).
   */
  public static KafkaBroker startSecure(Path dir, String user, Path userPasswordFile) throws IOException, InterruptedException {
    return start(dir, user, userPasswordFile);
  }

  private static KafkaBroker start(Path dir, String user, Path userPasswordFile) throws IOException, InterruptedException {
    Path lib = Paths.get(System.getProperty("sluice.kafka.lib", "assembly/kafka-runtime/target/lib"));
    if (!Files.isDirectory(lib) || !Files.exists(lib.resolve("kafka_2.13-3.9.2.jar"))) {
      throw new IllegalStateException("Kafka broker jars missing in " + lib
          + ": build them with mvn -pl assembly/kafka-runtime package (the reactor does so before this module)");
    }
    boolean secure = user != null;
    String listener = secure ? "SASL_SSL" : "PLAINTEXT";
    int controllerPort = freePort();
    Files.createDirectories(dir);
    Path config = dir.resolve("server.properties");
    List<String> lines = new ArrayList<>(List.of(
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=" + listener + "://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=" + listener + "://127.0.0.1:0", // advertised with the port bound
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=" + listener,
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT," + listener + ":" + listener,
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0"));
    Map<String, Object> clientSecurity = Map.of();
    Map<String, String> scramUsers = new LinkedHashMap<>();
    if (secure) {
      Path secrets = TlsFiles.create(dir.resolve("tls"), dir.resolve("keytool.log"));
      lines.addAll(List.of(
          "config.providers=file",
          "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
          "ssl.keystore.type=PKCS12",
          "ssl.keystore.location=" + dir.resolve("tls/keystore.p12"),
          "ssl.keystore.password=${file:" + secrets + ":keystore.password}",
          "ssl.key.password=${file:" + secrets + ":keystore.password}",
          "ssl.truststore.type=PKCS12",
          "ssl.truststore.location=" + dir.resolve("tls/truststore.p12"),
          "ssl.truststore.password=${file:" + secrets + ":truststore.password}",
          "sasl.enabled.mechanisms=" + SCRAM,
          "sasl.mechanism.inter.broker.protocol=" + SCRAM,
          "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + SCRAM_LOGIN + " required username=\""
              + BROKER_USER + "\" password=\"${file:" + secrets + ":broker.password}\";"));
      scramUsers.put(BROKER_USER, TlsFiles.secret(secrets, "broker.password"));
      String password = readPassword(userPasswordFile);
      scramUsers.put(user, password);
      clientSecurity = clientSecurity(dir, user, password);
    }
    lines.add("");
    Files.writeString(config, String.join("\n", lines), StandardCharsets.UTF_8);
    Path log = dir.resolve("kafka.log");
    List<String> javaCommand = javaCommand(lib, dir);
    List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", randomClusterId(),
        "-c", config.toString()));
    scramUsers.forEach((name, password) -> format.addAll(List.of("--add-scram",
        SCRAM + "=[name=" + name + ",password=" + password + "]")));
    if (runTool(javaCommand, dir, format, log) != 0) {
      throw new IllegalStateException("kafka storage format failed; see " + log + ":\n" + tail(log));
    }
    List<String> server = new ArrayList<>(javaCommand);
    server.addAll(List.of("kafka.Kafka", config.toString()));
    Process p = new ProcessBuilder(server).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    int brokerPort;
    try {
      brokerPort = awaitBoundPort(p, log, controllerPort);
    } catch (RuntimeException | InterruptedException e) {
      p.destroyForcibly();
      throw e;
    }
    KafkaBroker broker = new KafkaBroker(p, "127.0.0.1:" + brokerPort, log, dir, javaCommand, clientSecurity);
    try {
      broker.awaitReady(brokerPort);
    } catch (RuntimeException | InterruptedException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** The port the client listener bound, from the broker's log: the acceptor that is not the controller's. */
  private static int awaitBoundPort(Process process, Path log, int controllerPort) throws InterruptedException {
    java.util.regex.Pattern awaiting = java.util.regex.Pattern.compile("Awaiting socket connections on [^\\s]*:(\\d+)\\.");
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        java.util.regex.Matcher m = awaiting.matcher(Files.readString(log, StandardCharsets.UTF_8));
        while (m.find()) {
          int port = Integer.parseInt(m.group(1));
          if (port != controllerPort) {
            return port;
          }
        }
      } catch (IOException e) {
        // not written yet
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("kafka exited " + process.exitValue() + "; see " + log + ":\n" + tail(log));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("kafka bound no client port within " + START_TIMEOUT + "; see " + log + ":\n"
        + tail(log));
  }

  private void awaitReady(int port) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("kafka exited " + process.exitValue() + "; see " + log + ":\n" + tail(log));
      }
      if (accepts(port)) {
        try (AdminClient admin = admin()) {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          // not ready yet
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("kafka not ready within " + START_TIMEOUT + "; see " + log + ":\n" + tail(log));
  }

  public String bootstrap() {
    return bootstrap;
  }

  /**
   * What a client of this broker adds to its settings: nothing for a PLAINTEXT broker; for a secure
   * one SASL_SSL, the truststore and the test user's current credentials (passwords literal: test
   * clients only).
   */
  public Map<String, Object> clientSecurity() {
    return clientSecurity;
  }

  /** The PKCS12 truststore clients of a secure broker trust its certificate with. */
  public Path truststore() {
    return dir.resolve("tls/truststore.p12");
  }

  /** The password of {@link #truststore()}, followed by a line break. */
  public Path truststorePasswordFile() {
    return dir.resolve("tls/truststore.password");
  }

  /**
   * Changes the SCRAM-SHA-512 password of {@code user} on a secure broker (Kafka's
   * {@code kafka-configs --alter --add-config SCRAM-SHA-512=[...]}, run as the broker's own user);
   * {@link #clientSecurity()} then logs in with it.
   */
  public void setScramPassword(String user, String password) throws IOException, InterruptedException {
    Path secrets = dir.resolve("tls/broker-secrets.properties");
    Path adminConfig = dir.resolve("tls/admin.properties");
    Files.writeString(adminConfig, String.join("\n",
        "security.protocol=SASL_SSL",
        "ssl.truststore.type=PKCS12",
        "ssl.truststore.location=" + truststore(),
        "config.providers=file",
        "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
        "ssl.truststore.password=${file:" + secrets + ":truststore.password}",
        "sasl.mechanism=" + SCRAM,
        "sasl.jaas.config=" + SCRAM_LOGIN + " required username=\"" + BROKER_USER
            + "\" password=\"${file:" + secrets + ":broker.password}\";",
        ""), StandardCharsets.UTF_8);
    List<String> alter = List.of("kafka.admin.ConfigCommand", "--bootstrap-server", bootstrap,
        "--command-config", adminConfig.toString(), "--alter", "--entity-type", "users", "--entity-name", user,
        "--add-config", SCRAM + "=[iterations=8192,password=" + password + "]");
    if (runTool(javaCommand, dir, alter, log) != 0) {
      throw new IllegalStateException("kafka-configs could not set the password of " + user + "; see " + log + ":\n"
          + tail(log));
    }
    clientSecurity = clientSecurity(dir, user, password);
  }

  public AdminClient admin() {
    Properties p = new Properties();
    p.putAll(clientSecurity);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return AdminClient.create(p);
  }

  /** Creates topics with one partition each. */
  public void createTopics(String... topics) throws Exception {
    try (AdminClient admin = admin()) {
      List<NewTopic> list = new ArrayList<>();
      for (String t : topics) {
        list.add(new NewTopic(t, 1, (short) 1));
      }
      admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Map<String, Object> clientSecurity(Path dir, String user, String password) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("security.protocol", "SASL_SSL");
    m.put("ssl.truststore.type", "PKCS12");
    m.put("ssl.truststore.location", dir.resolve("tls/truststore.p12").toString());
    m.put("ssl.truststore.password", readPassword(dir.resolve("tls/truststore.password")));
    m.put("sasl.mechanism", SCRAM);
    m.put("sasl.jaas.config", SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";");
    return Map.copyOf(m);
  }

  /** A password file's content without its trailing line breaks. */
  public static String readPassword(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> javaCommand(Path lib, Path dir) throws IOException {
    return List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dlog4j.configuration=" + log4jProperties(dir).toUri(), "-cp", lib + "/*");
  }

  private static Path log4jProperties(Path dir) throws IOException {
    Path log4j = dir.resolve("log4j.properties");
    if (!Files.exists(log4j)) {
      Files.createDirectories(dir);
      Files.writeString(log4j, "log4j.rootLogger=WARN, stderr\n"
          // The acceptors' "Awaiting socket connections on host:port." gives the port bound (see awaitBoundPort).
          + "log4j.logger.kafka.network=INFO\n"
          + "log4j.appender.stderr=org.apache.log4j.ConsoleAppender\n"
          + "log4j.appender.stderr.target=System.err\n"
          + "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n"
          + "log4j.appender.stderr.layout.ConversionPattern=%d %p %c{1}: %m%n\n", StandardCharsets.UTF_8);
    }
    return log4j;
  }

  /**
   * Runs a Kafka tool (main class and arguments in {@code args}) to completion, its output appended
   * to {@code log}. The arguments go through a java argument file of mode 0600, deleted right
   * after, so that passwords among them are on no command line.
   */
  private static int runTool(List<String> javaCommand, Path dir, List<String> args, Path log)
      throws IOException, InterruptedException {
    Path argFile = Files.createTempFile(dir, "tool", ".args",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      StringBuilder sb = new StringBuilder();
      for (String a : args) {
        sb.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
      }
      Files.writeString(argFile, sb.toString(), StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(javaCommand);
      command.add("@" + argFile);
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return -1;
      }
      return p.exitValue();
    } finally {
      Files.deleteIfExists(argFile);
    }
  }

  /** The broker's TLS files, as {@code bin/sluice kafka --tls} lays them out under {@code DATA/tls}. */
  private static final class TlsFiles {

    /**
     * Writes {@code broker-secrets.properties} (random keystore, truststore and broker-user
     * passwords, mode 0600), {@code keystore.p12} (keytool: EC P-256, self-signed),
     * {@code truststore.p12} with its certificate, and {@code truststore.password}. Returns the
     * secrets file. The certificate names {@code 127.0.0.1} and {@code localhost}: on SASL_SSL,
     * kafka-clients 2.0 verifies the broker's certificate against the name its address resolves
     * back to ({@code SaslChannelBuilder} uses {@code InetAddress.getHostName()}), which for
     * 127.0.0.1 is {@code localhost}, not against the address it connected to.
     */
    static Path create(Path tls, Path log) throws IOException, InterruptedException {
      Files.createDirectories(tls, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Properties secrets = new Properties();
      for (String key : List.of("keystore.password", "truststore.password", "broker.password")) {
        secrets.setProperty(key, randomPassword());
      }
      Path secretsFile = tls.resolve("broker-secrets.properties");
      Files.createFile(secretsFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (java.io.Writer out = Files.newBufferedWriter(secretsFile, StandardCharsets.UTF_8)) {
        secrets.store(out, "test broker secrets");
      }
      String storePassword = secrets.getProperty("keystore.password");
      Path keystore = tls.resolve("keystore.p12");
      ProcessBuilder keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
          "-dname", "CN=127.0.0.1, O=Sluice test", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore.toString(),
          "-storetype", "PKCS12", "-storepass:env", "TEST_KEYSTORE_PASSWORD", "-noprompt")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      keytool.environment().put("TEST_KEYSTORE_PASSWORD", storePassword);
      Process p = keytool.start();
      if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool -genkeypair failed; see " + log + ":\n" + tail(log));
      }
      char[] trustPassword = secrets.getProperty("truststore.password").toCharArray();
      try {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(keystore.toFile(), storePassword.toCharArray());
        java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
        ts.load(null, trustPassword);
        ts.setCertificateEntry("broker", ks.getCertificate("broker"));
        try (java.io.OutputStream out = Files.newOutputStream(tls.resolve("truststore.p12"))) {
          ts.store(out, trustPassword);
        }
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot write the truststore", e);
      }
      Files.writeString(tls.resolve("truststore.password"), secrets.getProperty("truststore.password") + "\n",
          StandardCharsets.UTF_8);
      return secretsFile;
    }

    static String secret(Path secretsFile, String key) throws IOException {
      Properties p = new Properties();
      try (java.io.Reader in = Files.newBufferedReader(secretsFile, StandardCharsets.UTF_8)) {
        p.load(in);
      }
      return p.getProperty(key);
    }
  }

  /** 144 random bits, base64url: safe in properties files, JAAS and Kafka's SCRAM credential syntax. */
  public static String randomPassword() {
    byte[] b = new byte[18];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. */
  private static String randomClusterId() {
    UUID u = UUID.randomUUID();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
