package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks the distribution tarball ({@code sluice-VERSION-bin.tar.gz}) into an empty directory and
 * runs its {@code bin/sluice demo} the way a user does: a real Kafka broker, the two Flume agents and
 * the Spark job through SparkSubmit in {@code local[2]}, each in its own JVM, on the bundled real
 * data, with nothing else on the classpath and no Maven repository in reach ({@code HOME} is an
 * empty directory). Checks the summary against counts computed here from the files, the tarball's
 * layout and every sub-command's {@code --help}. {@code demo --spark 3} runs the same jobs on the
 * bundled Spark 3.5 and must give the same summary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

  @TempDir
  static Path unpacked;

  private static Path HOME;
  private static Path LOGS;
  private static Path TWEETS;
  private static Path SYSLOG;
  /** The Spark 2.4.7 demo's summary, for the Spark 3.5 demo's (the tests run in this order). */
  private static JsonNode spark2Summary;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    HOME = Distribution.unpack(unpacked);
    LOGS = HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log");
    TWEETS = HOME.resolve("samples/tweets/ALL_shared_tweets.jsonl");
    SYSLOG = HOME.resolve("samples/syslog/elastic-examples_auth.log");
  }

  @BeforeEach
  void startProcessesFromTheTarball() {
    sluice.in(HOME, tmp);
  }

  @Test
  @Order(1)
  void demoSummaryEqualsIndependentCountOfTheRealFiles() throws Exception {
    Path out = tmp.resolve("out");
    DemoRun run = runDemo(out);
    String printed = run.printed();
    List<ProcessHandle> children = run.children();
    Map<Long, List<String>> commandLines = run.commandLines();
    JsonNode summary = run.summary();
    spark2Summary = summary;
    // Facts about the bundled auth log (README.md), so the independent count is itself checked.
    assertThat(summary.path("syslog").path("lines").asLong()).isEqualTo(7121);
    assertThat(summary.path("syslog").path("authFailures").asLong()).isEqualTo(895);
    assertThat(summary.path("syslog").path("topAuthFailureSources").get(0).path("ip").asText()).isEqualTo("24.151.103.17");

    // The rejected log line reached the dead-letter file with its reason, byte for byte.
    String line8899 = IndependentCounts.lines(LOGS).get(8898);
    String deadLetter = readAll(out.resolve("rejects/logs"));
    assertThat(deadLetter).contains("rejectReason=unterminated-quote").contains(line8899);

    assertThat(printed).contains("Access logs").contains("Tweets").contains("Syslog").contains("events/s")
        .contains("authentication failures 895");
    // Windows and alerts are on event time: the brute-force rule of the job (more than 10 failures
    // in 60 s of the log's own clock) raises 18 alerts for 7 addresses on the bundled auth log, the
    // error-rate rule of the demo (0.5 % of 100 requests or more, per hour) 3, for the hours of the
    // three 5xx lines (README.md). None is in a window the end of the replay may leave open.
    Map<String, JsonNode> bruteForce = eventTimeAlerts(out, "syslog-event-windows.json");
    assertThat(bruteForce).hasSize(18);
    assertThat(bruteForce.values().stream().map(a -> a.path("sourceIp").asText()).distinct().toList())
        .containsExactlyInAnyOrder("24.151.103.17", "34.204.227.175", "91.197.232.109", "122.163.61.218",
            "14.54.210.101", "181.26.186.35", "201.178.81.113");
    assertThat(bruteForce.values()).allSatisfy(a ->
        assertThat(a.path("windowEnd").asLong() - a.path("windowStart").asLong()).isEqualTo(60_000));
    // The anomaly models on the hourly windows flag the FCKeditor probe of 2015-05-20T05:00Z
    // (AnomalyStreamsTest); the only other alert they raise on this log is the forecast's for the
    // cut-off last hour, and only if the idle flush closes it before the demo stops.
    java.util.Set<String> logAlerts = new java.util.HashSet<>(eventTimeAlerts(out, "logs-event-windows.json").keySet());
    java.util.List<String> expectedLogAlerts = java.util.List.of(
        "logs-error-rate@" + java.time.Instant.parse("2015-05-18T04:00:00Z").toEpochMilli(),
        "logs-error-rate@" + java.time.Instant.parse("2015-05-18T16:00:00Z").toEpochMilli(),
        "logs-error-rate@" + java.time.Instant.parse("2015-05-20T15:00:00Z").toEpochMilli(),
        "logs-anomalous-client:91.236.75.25@" + java.time.Instant.parse("2015-05-20T06:00:00Z").toEpochMilli());
    assertThat(logAlerts).containsAll(expectedLogAlerts);
    logAlerts.removeAll(expectedLogAlerts);
    assertThat(logAlerts).isSubsetOf(
        "logs-traffic-forecast@" + java.time.Instant.parse("2015-05-20T22:00:00Z").toEpochMilli());
    try (Stream<Path> files = Files.walk(out.resolve("analytics"))) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no arrival-time alerts with event time")
          .doesNotContain("alerts.json", "syslog-alerts.json").contains("logs-window.json");
    }
    // The report's time axes are event time: the access log's hours, from the first (the last hour
    // may stay open at the end of the replay).
    String report = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertThat(report).contains("\"windowTime\":\"event\"").contains("\"windowStart\":"
        + java.time.Instant.parse("2015-05-17T10:00:00Z").toEpochMilli());
    assertNoneAlive(children);

    // Every JVM ran from the unpacked tarball alone.
    List<String> mains = commandLines.values().stream().map(DemoIT::mainClass).toList();
    assertThat(mains).as("JVMs seen").contains("io.sluice.launcher.Main", "kafka.Kafka", "org.apache.spark.deploy.SparkSubmit")
        .filteredOn("org.apache.flume.node.Application"::equals).hasSize(3);
    commandLines.forEach((pid, args) -> {
      assertThat(String.join(" ", args)).as("command line of child %s", pid)
          .doesNotContain(".m2").doesNotContain("/repository/");
      for (String entry : classpath(args)) {
        assertThat(Path.of(entry.replaceFirst("/\\*$", "")).normalize()).as("classpath entry of %s", args)
            .startsWith(HOME);
      }
    });
  }

  @Test
  @Order(2)
  void demoOnSpark3GivesTheSameSummaryAsOnSpark2() throws Exception {
    Path out = tmp.resolve("out");
    DemoRun run = runDemo(out, "--spark", "3");
    JsonNode summary = run.summary();
    assertThat(summary.path("syslog").path("authFailures").asLong()).isEqualTo(895);
    if (spark2Summary != null) {
      // Key by key, but the late counts: they depend on where batches happen to end.
      assertThat(withoutLate(summary)).as("the Spark 3.5 demo's summary against Spark 2.4.7's")
          .isEqualTo(withoutLate(spark2Summary));
    }
    assertNoneAlive(run.children());

    // The job ran on lib/spark3 with the Spark 3 build of the jobs, Spark 3's four JVM flags (no
    // relocated ASM jar, none of Spark 2.4.7's thirteen openings) and its log4j 2 configuration.
    List<String> submit = run.commandLines().values().stream()
        .filter(args -> mainClass(args).equals("org.apache.spark.deploy.SparkSubmit")).findFirst().orElseThrow();
    assertThat(classpath(submit)).containsExactly(HOME.resolve("lib/spark3/jars") + "/*");
    assertThat(submit).contains(HOME.resolve("jobs/sluice-spark3-jobs.jar").toString())
        .contains("-Dlog4j2.configurationFile=file:" + HOME.resolve("conf/spark3-log4j2.properties"));
    assertThat(submit.stream().filter(a -> a.startsWith("--add-opens")).toList()).containsExactly(
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED");
    try (Stream<Path> jars = Files.list(HOME.resolve("lib/spark3/jars"))) {
      assertThat(jars.map(j -> j.getFileName().toString())).as("Spark 3.5's jars")
          .noneMatch(n -> n.startsWith("sluice-spark-asm-compat"));
    }
    String sparkLog = readAll(out.resolve("logs"));
    assertThat(sparkLog).contains("Running Spark version 3.5")
        .doesNotContain("Using Spark's default log4j profile");
  }

  @Test
  void tarballHasTheDistributionLayout() throws IOException {
    assertThat(HOME.resolve("bin/sluice")).isExecutable();
    for (String f : List.of("conf/flume-env.sh", "conf/log4j2.xml", "conf/spark-defaults.conf",
        "conf/agents/logs-agent.properties", "conf/agents/tweets-agent.properties", "conf/agents/syslog-agent.properties",
        "conf/hadoop/core-site.xml", "conf/hadoop/hdfs-site.xml", "conf/hadoop/log4j.properties",
        "plugins.d/sluice/lib/sluice-flume-plugins.jar", "plugins.d/spark-sink/lib/sluice-spark-sink.jar",
        "jobs/sluice-spark-jobs.jar", "jobs/sluice-spark3-jobs.jar", "conf/spark3-log4j2.properties",
        "samples/NOTICE", "samples/syslog/elastic-examples_auth.log", "LICENSE", "NOTICE",
        "README.md")) {
      assertThat(HOME.resolve(f)).as(f).isRegularFile();
    }
    for (String d : List.of("plugins.d/sluice/libext", "plugins.d/spark-sink/libext", "docs",
        "lib/launcher", "lib/flume", "lib/kafka", "lib/hadoop", "lib/spark/jars", "lib/spark3/jars")) {
      assertThat(HOME.resolve(d)).as(d).isDirectoryContaining(p -> true);
    }
    assertThat(HOME.resolve("lib/hadoop/webapps/hdfs")).as("the NameNode's web UI").isDirectory();
    // The JDK 17 openings were filled in from the root pom.
    assertThat(Files.readString(HOME.resolve("conf/spark-defaults.conf")))
        .contains("spark.executor.extraJavaOptions  --add-opens=java.base/java.lang=ALL-UNNAMED")
        .doesNotContain("${");
    // Thin: the jobs, not Spark.
    try (ZipFile jobs = new ZipFile(HOME.resolve("jobs/sluice-spark-jobs.jar").toFile())) {
      assertThat(jobs.getEntry("io/sluice/spark/job/AnalyticsJob.class")).isNotNull();
      assertThat(jobs.stream().map(e -> e.getName()).filter(n -> n.startsWith("org/apache/spark/")).toList()).isEmpty();
    }
  }

  @Test
  void everySubCommandPrintsItsHelp() throws Exception {
    Commands.Result main = sluiceToEnd("--help");
    assertThat(main.exitCode()).isZero();
    assertThat(main.output()).contains("demo", "agent", "kafka", "submit", "spark", "hdfs");
    for (String cmd : List.of("demo", "agent", "kafka", "submit", "spark", "spark master", "spark worker",
        "hdfs", "hdfs namenode", "hdfs datanode", "hdfs dfs", "hdfs dfsadmin")) {
      List<String> args = new ArrayList<>(List.of(cmd.split(" ")));
      args.add("--help");
      Commands.Result help = sluiceToEnd(args.toArray(String[]::new));
      assertThat(help.exitCode()).as("sluice %s --help: %s", cmd, help.output()).isZero();
      assertThat(help.output()).as("sluice %s --help", cmd).startsWith("Usage: sluice " + cmd.split(" ")[0]);
    }
    Commands.Result agent = sluiceToEnd("agent", "--help");
    assertThat(agent.output()).contains("-n, --name", "-f, --conf-file", "-c, --conf", "--plugins-path");
  }

  @Test
  void ctrlCStopsEveryProcess() throws Exception {
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    Process demo = sluice.start(console, Map.of(), "demo", "--out", out.toString());
    List<ProcessHandle> children = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    // Interrupt once the Flume agents are up (Kafka and two agent JVMs are running then).
    while (!Files.readString(console).contains("[3/4]")) {
      assertThat(demo.isAlive()).as("demo still running; output:%n%s", Files.readString(console)).isTrue();
      assertThat(System.nanoTime()).as("agents started in time").isLessThan(deadline);
      demo.descendants().forEach(p -> { if (!children.contains(p)) children.add(p); });
      Thread.sleep(200);
    }
    demo.descendants().forEach(p -> { if (!children.contains(p)) children.add(p); });
    assertThat(children).as("kafka and agent JVMs").hasSizeGreaterThanOrEqualTo(3);
    new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).inheritIO().start().waitFor();
    assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("demo exits after Ctrl-C").isTrue();
    assertNoneAlive(children);
  }

  @Test
  void failsWithAClearMessageWhenAPartCannotStart() throws Exception {
    Path console = tmp.resolve("console.txt");
    Process demo = sluice.start(console, Map.of(), "demo", "--out", tmp.resolve("out").toString(), "--startup-timeout", "0");
    List<ProcessHandle> children = new ArrayList<>();
    assertThat(waitCollectingDescendants(demo, children, new LinkedHashMap<>(), Duration.ofMinutes(2))).isTrue();
    assertThat(demo.exitValue()).isEqualTo(1);
    assertThat(Files.readString(console)).containsIgnoringCase("sluice demo failed: kafka").contains("kafka.log");
    assertNoneAlive(children);
  }

  @Test
  void rejectsAMissingInputNamingTheOption() throws Exception {
    Path console = tmp.resolve("console.txt");
    Process demo = sluice.start(console, Map.of(), "demo", "--out", tmp.resolve("out").toString(), "--logs", tmp.resolve("nope.log").toString());
    assertThat(demo.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(demo.exitValue()).isEqualTo(2);
    assertThat(Files.readString(console)).contains("--logs: not a readable file");
  }

  /** A finished demo: what it printed, its summary, the processes it started and their command lines. */
  private record DemoRun(String printed, JsonNode summary, List<ProcessHandle> children,
      Map<Long, List<String>> commandLines) { }

  /**
   * Runs {@code demo --out OUT OPTIONS...} to its end (8 minutes at most), noting its processes;
   * it must exit 0 with a summary equal to the independent counts of the bundled files.
   */
  private DemoRun runDemo(Path out, String... options) throws Exception {
    Path console = tmp.resolve("console.txt");
    List<String> args = new ArrayList<>(List.of("demo", "--out", out.toString()));
    args.addAll(List.of(options));
    Process demo = sluice.start(console, Map.of(), args.toArray(String[]::new));
    List<ProcessHandle> children = new ArrayList<>();
    Map<Long, List<String>> commandLines = new LinkedHashMap<>();
    boolean finished = waitCollectingDescendants(demo, children, commandLines, Duration.ofMinutes(8));
    String printed = Files.readString(console, StandardCharsets.UTF_8);
    assertThat(finished).as("%s finished in time; output:%n%s", args, printed).isTrue();
    assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    SummaryChecks.assertMatchesIndependentCounts(summary, LOGS, TWEETS, SYSLOG);
    return new DemoRun(printed, summary, children, commandLines);
  }

  private Commands.Result sluiceToEnd(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("bin/sluice").toString());
    cmd.addAll(List.of(args));
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    isolate(env);
    return Commands.run(Duration.ofMinutes(1), tmp, env, cmd);
  }

  /** No classpath and no Maven repository from this build: HOME is an empty directory. */
  private void isolate(Map<String, String> env) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("home"));
    env.keySet().removeIf(k -> k.equals("CLASSPATH") || k.startsWith("MAVEN_") || k.equals("SLUICE_HOME"));
    env.put("HOME", home.toString());
  }

  /** Waits for {@code p}, noting each descendant, and the command lines of it and them (from /proc while they run). */
  private static boolean waitCollectingDescendants(Process p, List<ProcessHandle> seen,
      Map<Long, List<String>> commandLines, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (p.isAlive() && System.nanoTime() < end) {
      List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
      family.add(p.toHandle());
      for (ProcessHandle h : family) {
        if (!seen.contains(h) && h.pid() != p.pid()) {
          seen.add(h);
        }
        // Re-read while it runs: right after fork a child still shows its parent's command line.
        List<String> args = commandLine(h.pid());
        if (!args.isEmpty()) {
          commandLines.put(h.pid(), args);
        }
      }
      Thread.sleep(200);
    }
    if (p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return false;
    }
    return true;
  }

  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    } catch (IOException gone) {
      return List.of();
    }
  }

  /** The main class of a java command line: the first argument after the classpath value. */
  private static String mainClass(List<String> args) {
    int cp = args.indexOf("-cp");
    return cp >= 0 && cp + 2 < args.size() ? args.get(cp + 2) : "";
  }

  private static List<String> classpath(List<String> args) {
    int cp = args.indexOf("-cp");
    return cp >= 0 && cp + 1 < args.size() ? List.of(args.get(cp + 1).split(java.io.File.pathSeparator)) : List.of();
  }

  private static void assertNoneAlive(List<ProcessHandle> processes) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    List<String> alive = processes.stream().filter(ProcessHandle::isAlive)
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
    processes.forEach(ProcessHandle::destroyForcibly);
    assertThat(alive).as("processes left running").isEmpty();
  }

  /** A copy of a summary without its per-pipeline {@code late} counts. */
  private static JsonNode withoutLate(JsonNode summary) {
    com.fasterxml.jackson.databind.node.ObjectNode copy = summary.deepCopy();
    copy.fields().forEachRemaining(pipeline -> {
      if (pipeline.getValue() instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
        o.remove("late");
      }
    });
    return copy;
  }

  /** The alerts of every event-time windows file {@code name} under the demo's analytics, by id. */
  private static Map<String, JsonNode> eventTimeAlerts(Path out, String name) throws IOException {
    Map<String, JsonNode> alerts = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(out.resolve("analytics"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals(name)).toList()) {
        new ObjectMapper().readTree(f.toFile()).path("alerts").forEach(a -> alerts.put(a.path("id").asText(), a));
      }
    }
    return alerts;
  }

  private static String readAll(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return sb.toString();
  }
}
