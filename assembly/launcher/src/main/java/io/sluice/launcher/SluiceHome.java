package io.sluice.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The layout of an unpacked Sluice distribution ({@code SLUICE_HOME}), as laid out by the
 * {@code assembly} module:
 *
 * <pre>
 * bin/sluice                      this launcher
 * conf/                           flume-env.sh, log4j2.xml (agents), spark-defaults.conf,
 *                                 kafka-log4j.properties, spark-log4j.properties (Spark 2.4.7),
 *                                 spark3-log4j2.properties (Spark 3.5)
 * conf/agents/*.properties        Flume agent configurations
 * conf/hadoop/                    core-site.xml, hdfs-site.xml, log4j.properties (HDFS JVMs)
 * lib/{launcher,flume,kafka,hadoop}/*.jar  one runtime per JVM kind, never mixed
 * lib/spark/jars/*.jar            Spark 2.4.7's jars: lib/spark is a minimal SPARK_HOME (standalone
 *                                 workers start executors from SPARK_HOME/jars)
 * lib/spark3/jars/*.jar           Spark 3.5's jars (--spark 3), the same layout
 * plugins.d/NAME/{lib,libext,native}       Flume plugins in flume-ng's plugins.d layout
 * jobs/sluice-spark-jobs.jar      the Spark jobs (thin: Spark provided)
 * jobs/sluice-spark3-jobs.jar     the same jobs built for Spark 3.5
 * samples/                        bundled real data (see samples/NOTICE)
 * docs/                           how to run each part, alone or on existing Flume/Spark installs
 * </pre>
 *
 * <p>Also carries the build-time settings of {@code sluice-launcher.properties} (the JDK 17 module
 * openings that every Spark JVM needs, pinned once in the root pom).
 */
public final class SluiceHome {

  /** System property set by {@code bin/sluice}: the distribution's root directory. */
  public static final String HOME_PROPERTY = "sluice.home";

  /** The Spark line of {@code --spark 2} (the default): 2.4.7, Scala 2.11. */
  public static final String SPARK_2 = "2";
  /** The Spark line of {@code --spark 3}: 3.5, Scala 2.12. */
  public static final String SPARK_3 = "3";

  private final Path root;
  private final Properties settings;
  private final String spark;

  public SluiceHome(Path root, Properties settings) {
    this(root, settings, SPARK_2);
  }

  private SluiceHome(Path root, Properties settings, String spark) {
    this.root = root.toAbsolutePath().normalize();
    this.settings = settings;
    this.spark = spark;
  }

  /**
   * This distribution with the Spark runtime of {@code line} ({@value #SPARK_2}, Spark 2.4.7, or
   * {@value #SPARK_3}, Spark 3.5): its {@link #sparkHome()}, {@link #jobsJar()} and
   * {@link #jdk17Opens()}.
   *
   * @throws IllegalArgumentException for another line
   */
  public SluiceHome withSpark(String line) {
    String l = line.trim();
    if (l.equals("2.4") || l.equals("2.4.7")) {
      l = SPARK_2;
    } else if (l.startsWith("3.5")) {
      l = SPARK_3;
    }
    if (!l.equals(SPARK_2) && !l.equals(SPARK_3)) {
      throw new IllegalArgumentException("--spark: '" + line + "' is not a bundled Spark line (2: Spark 2.4.7, 3: Spark 3.5)");
    }
    return new SluiceHome(root, settings, l);
  }

  /** The Spark line: {@value #SPARK_2} or {@value #SPARK_3}. */
  public String spark() {
    return spark;
  }

  /** The Scala binary version of the Spark line (SPARK_SCALA_VERSION of standalone workers). */
  public String sparkScalaVersion() {
    return spark.equals(SPARK_3) ? "2.12" : "2.11";
  }

  /**
   * The distribution the launcher runs from.
   *
   * @throws IllegalStateException when {@value #HOME_PROPERTY} is unset or is not a distribution
   */
  public static SluiceHome fromSystemProperty() {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      throw new IllegalStateException("system property " + HOME_PROPERTY + " is not set: start Sluice with bin/sluice");
    }
    Path root = Path.of(home);
    if (!Files.isDirectory(root.resolve("lib"))) {
      throw new IllegalStateException(HOME_PROPERTY + "=" + home + " is not a Sluice distribution (no lib/ directory)");
    }
    return new SluiceHome(root, loadSettings());
  }

  static Properties loadSettings() {
    Properties p = new Properties();
    try (InputStream in = SluiceHome.class.getResourceAsStream("/sluice-launcher.properties")) {
      if (in == null) {
        throw new IllegalStateException("sluice-launcher.properties missing from the launcher jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public Path root() {
    return root;
  }

  public Path conf() {
    return root.resolve("conf");
  }

  public Path agentConfig(String name) {
    return conf().resolve("agents").resolve(name + "-agent.properties");
  }

  public Path samples() {
    return root.resolve("samples");
  }

  public Path jobsJar() {
    return root.resolve("jobs").resolve(spark.equals(SPARK_3) ? "sluice-spark3-jobs.jar" : "sluice-spark-jobs.jar");
  }

  public String version() {
    return settings.getProperty("sluice.version", "unknown");
  }

  /**
   * The JVM flags every Spark JVM of this line needs on JDK 17, one list element each: for Spark
   * 2.4.7 thirteen {@code --add-opens}, for Spark 3.5 the few measured (see README, "JVM flags per
   * Spark line").
   */
  public List<String> jdk17Opens() {
    String flags = settings.getProperty(spark.equals(SPARK_3) ? "spark3.jvm.flags" : "jdk17.opens", "").trim();
    return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
  }

  /**
   * The JVM flag that points a Spark JVM of this line at its logging configuration: log4j 1's
   * {@code conf/spark-log4j.properties} for Spark 2.4.7, log4j 2's {@code conf/spark3-log4j2.properties}
   * for Spark 3.5 (without it Spark 3 logs at INFO through its own defaults).
   */
  public String sparkLogConfigFlag() {
    return spark.equals(SPARK_3)
        ? "-Dlog4j2.configurationFile=file:" + conf().resolve("spark3-log4j2.properties")
        : "-Dlog4j.configuration=file:" + conf().resolve("spark-log4j.properties");
  }

  /**
   * The flags of the Spark JVMs a cluster starts for an application (its executors, and its driver
   * in cluster mode: {@code spark.executor.extraJavaOptions}, {@code spark.driver.extraJavaOptions}):
   * {@link #jdk17Opens()}, and for Spark 3.5 also {@link #sparkLogConfigFlag()}. A Spark 3 worker
   * puts its {@code SPARK_CONF_DIR} ({@code conf/}) first on its executors' classpath, where log4j 2
   * would otherwise find the agents' {@code log4j2.xml} (INFO to standard output); the path is this
   * distribution's, the same on every machine that unpacked the tarball in the same place (the lab's
   * {@code /opt/sluice/current}). Spark 2.4.7's executors keep Spark's own default (INFO to standard
   * error), as before.
   */
  public List<String> clusterJvmFlags() {
    List<String> flags = new ArrayList<>(jdk17Opens());
    if (spark.equals(SPARK_3)) {
      flags.add(sparkLogConfigFlag());
    }
    return flags;
  }

  /** The distribution's Flume plugins directory, {@code plugins.d}. */
  public Path pluginsDir() {
    return root.resolve("plugins.d");
  }

  /** Classpath of a Flume agent: conf/, lib/flume and every plugins.d/NAME/{lib,libext}. */
  public String flumeClasspath() {
    return flumeClasspath(conf(), List.of(pluginsDir()));
  }

  /**
   * Classpath of a Flume agent as {@code flume-ng agent} builds it: {@code confDir}, lib/flume, then
   * for every plugin directory {@code DIR/NAME} of each of {@code pluginsPath} its {@code lib/*} and
   * {@code libext/*} (plugins in name order; missing directories are skipped).
   */
  public String flumeClasspath(Path confDir, List<Path> pluginsPath) {
    List<String> cp = new ArrayList<>();
    cp.add(confDir.toString());
    cp.add(root.resolve("lib/flume") + "/*");
    for (Path plugin : plugins(pluginsPath)) {
      cp.add(plugin.resolve("lib") + "/*");
      cp.add(plugin.resolve("libext") + "/*");
    }
    return String.join(java.io.File.pathSeparator, cp);
  }

  /** The {@code native} directories of the plugins in {@code pluginsPath} (for java.library.path). */
  public static List<Path> pluginNativeDirs(List<Path> pluginsPath) {
    return plugins(pluginsPath).stream().map(p -> p.resolve("native")).filter(Files::isDirectory).toList();
  }

  private static List<Path> plugins(List<Path> pluginsPath) {
    List<Path> plugins = new ArrayList<>();
    for (Path dir : pluginsPath) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> dirs = Files.list(dir)) {
        dirs.filter(Files::isDirectory).sorted().forEach(plugins::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return plugins;
  }

  /**
   * The Hadoop client that Flume's HDFS sink ({@code type = hdfs}, in lib/flume) loads at run time,
   * as {@code flume-ng agent} appends {@code hadoop classpath} when Hadoop is installed: the jars of
   * lib/hadoop (Hadoop 3.3.6: hadoop-common, hadoop-hdfs-client and their dependencies), in name
   * order, without those the agent must not load from there: the NameNode/DataNode jar
   * ({@code hadoop-hdfs-VERSION.jar}), the reload4j logging binding (the agent logs through
   * log4j2: {@code reload4j}, {@code slf4j-reload4j}) and any jar lib/flume already holds under the
   * same file name. Empty when the distribution has no lib/hadoop.
   */
  public List<Path> hadoopClientJars() {
    Path lib = root.resolve("lib/hadoop");
    if (!Files.isDirectory(lib)) {
      return List.of();
    }
    java.util.Set<String> flume = new java.util.HashSet<>();
    Path flumeLib = root.resolve("lib/flume");
    if (Files.isDirectory(flumeLib)) {
      try (Stream<Path> jars = Files.list(flumeLib)) {
        jars.forEach(j -> flume.add(j.getFileName().toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try (Stream<Path> jars = Files.list(lib)) {
      return jars.filter(j -> {
        String n = j.getFileName().toString();
        return n.endsWith(".jar") && !flume.contains(n) && !n.matches("hadoop-hdfs-\\d.*")
            && !n.startsWith("reload4j-") && !n.startsWith("slf4j-reload4j-");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String kafkaClasspath() {
    return root.resolve("lib/kafka") + "/*";
  }

  /** {@code lib/spark}: a minimal SPARK_HOME (only {@code jars/}), what standalone workers need. */
  public Path sparkHome() {
    return root.resolve(spark.equals(SPARK_3) ? "lib/spark3" : "lib/spark");
  }

  public String sparkClasspath() {
    return sparkHome().resolve("jars") + "/*";
  }

  /** Default Hadoop configuration directory of the HDFS JVMs, {@code conf/hadoop}. */
  public Path hadoopConf() {
    return conf().resolve("hadoop");
  }

  /**
   * Classpath of an HDFS JVM: its configuration directory, lib/hadoop itself (the daemons' web UIs,
   * {@code webapps/}, as in Hadoop's tarball) and lib/hadoop's jars.
   */
  public String hadoopClasspath(Path confDir) {
    Path lib = root.resolve("lib/hadoop");
    return String.join(java.io.File.pathSeparator, confDir.toString(), lib.toString(), lib + "/*");
  }
}
