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
 * conf/                           log4j2.xml (agents), kafka-log4j.properties, spark-log4j.properties
 * conf/agents/*.properties        Flume agent configurations
 * lib/{launcher,flume,kafka,spark}/*.jar   one runtime per JVM kind, never mixed
 * plugins.d/NAME/{lib,libext}/*.jar        Flume plugins in flume-ng's plugins.d layout
 * jobs/sluice-spark-jobs.jar      the Spark jobs (thin: Spark provided)
 * samples/                        bundled real data (see samples/NOTICE)
 * </pre>
 *
 * <p>Also carries the build-time settings of {@code sluice-launcher.properties} (the JDK 17 module
 * openings that every Spark JVM needs, pinned once in the root pom).
 */
public final class SluiceHome {

  /** System property set by {@code bin/sluice}: the distribution's root directory. */
  public static final String HOME_PROPERTY = "sluice.home";

  private final Path root;
  private final Properties settings;

  SluiceHome(Path root, Properties settings) {
    this.root = root.toAbsolutePath().normalize();
    this.settings = settings;
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
    return root.resolve("jobs").resolve("sluice-spark-jobs.jar");
  }

  public String version() {
    return settings.getProperty("sluice.version", "unknown");
  }

  /** The {@code --add-opens} flags every Spark JVM needs on JDK 17, one list element each. */
  public List<String> jdk17Opens() {
    return Arrays.asList(settings.getProperty("jdk17.opens", "").trim().split("\\s+"));
  }

  /** Classpath of a Flume agent: conf/, lib/flume and every plugins.d/NAME/{lib,libext}. */
  public String flumeClasspath() {
    List<String> cp = new ArrayList<>();
    cp.add(conf().toString());
    cp.add(root.resolve("lib/flume") + "/*");
    Path plugins = root.resolve("plugins.d");
    if (Files.isDirectory(plugins)) {
      try (Stream<Path> dirs = Files.list(plugins)) {
        dirs.sorted().forEach(d -> {
          cp.add(d.resolve("lib") + "/*");
          cp.add(d.resolve("libext") + "/*");
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return String.join(java.io.File.pathSeparator, cp);
  }

  public String kafkaClasspath() {
    return root.resolve("lib/kafka") + "/*";
  }

  public String sparkClasspath() {
    return root.resolve("lib/spark") + "/*";
  }
}
