package io.sluice.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.SluiceHome;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SubmitCommandTest {

  private static final String OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED";
  private static final String SPARK3_FLAGS = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
  private final SluiceHome home = home();

  private static SluiceHome home() {
    Properties p = new Properties();
    p.setProperty("jdk17.opens", OPENS);
    p.setProperty("spark3.jvm.flags", SPARK3_FLAGS);
    return new SluiceHome(Path.of("/opt/sluice"), p);
  }

  private List<String> submitArgs(List<String> cmd) {
    return cmd.subList(cmd.indexOf(SubmitCommand.SUBMIT_CLASS) + 1, cmd.size());
  }

  @Test
  void addsTheJdk17OpeningsToTheDriverJvmAndToDriverAndExecutorOptions() {
    List<String> cmd = SubmitCommand.command(home, List.of("--master", "local[2]", "--class", "A", "app.jar", "x"));
    assertThat(cmd).contains("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED");
    assertThat(cmd.indexOf("--add-opens=java.base/java.lang=ALL-UNNAMED")).isLessThan(cmd.indexOf(SubmitCommand.SUBMIT_CLASS));
    assertThat(submitArgs(cmd)).containsExactly(
        "--conf", "spark.driver.extraJavaOptions=" + OPENS,
        "--conf", "spark.executor.extraJavaOptions=" + OPENS,
        "--master", "local[2]", "--class", "A", "app.jar", "x");
    assertThat(cmd).contains("-cp", "/opt/sluice/lib/spark/jars/*")
        .contains("-Dlog4j.configuration=file:/opt/sluice/conf/spark-log4j.properties");
  }

  @Test
  void sparkThreeUsesLibSpark3ItsJobsJarAndOnlyItsOwnFlags() {
    SluiceHome three = home.withSpark("3");
    List<String> cmd = SubmitCommand.command(three, List.of("--master", "local[2]", "app.jar"));
    assertThat(cmd).contains("-cp", "/opt/sluice/lib/spark3/jars/*").doesNotContain("--add-opens=java.base/java.lang=ALL-UNNAMED");
    // A cluster's Spark 3 JVMs also get the log4j 2 configuration, not the agents' conf/log4j2.xml.
    String log4j2 = "-Dlog4j2.configurationFile=file:/opt/sluice/conf/spark3-log4j2.properties";
    assertThat(cmd).contains(log4j2);
    assertThat(submitArgs(cmd)).containsExactly(
        "--conf", "spark.driver.extraJavaOptions=" + SPARK3_FLAGS + " " + log4j2,
        "--conf", "spark.executor.extraJavaOptions=" + SPARK3_FLAGS + " " + log4j2,
        "--master", "local[2]", "app.jar");
    assertThat(three.jobsJar()).isEqualTo(Path.of("/opt/sluice/jobs/sluice-spark3-jobs.jar"));
    assertThat(three.sparkScalaVersion()).isEqualTo("2.12");
    assertThat(home.withSpark("2.4.7").jobsJar()).isEqualTo(Path.of("/opt/sluice/jobs/sluice-spark-jobs.jar"));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> home.withSpark("4")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--spark: '4' is not a bundled Spark line");
  }

  @Test
  void mergesTheOpeningsInFrontOfGivenExtraJavaOptions() {
    List<String> cmd = SubmitCommand.command(home, List.of(
        "--conf", "spark.executor.extraJavaOptions=-XX:+UseG1GC", "--conf=spark.driver.extraJavaOptions=-Dx=1", "app.jar"));
    assertThat(submitArgs(cmd)).containsExactly(
        "--conf", "spark.executor.extraJavaOptions=" + OPENS + " -XX:+UseG1GC",
        "--conf", "spark.driver.extraJavaOptions=" + OPENS + " -Dx=1",
        "app.jar");
  }

  @Test
  void appliesDriverMemoryJavaOptionsAndClassPathToTheSubmitJvm() {
    List<String> cmd = SubmitCommand.command(home, List.of("--driver-memory", "512m",
        "--driver-java-options", "-Da=1 -Db=2", "--driver-class-path", "/x/extra.jar", "app.jar"));
    assertThat(cmd).contains("-Xmx512m", "-Da=1", "-Db=2").doesNotContain("-Xmx" + SubmitCommand.DEFAULT_DRIVER_MEMORY);
    assertThat(cmd.get(cmd.indexOf("-cp") + 1)).isEqualTo("/x/extra.jar:/opt/sluice/lib/spark/jars/*");
    assertThat(submitArgs(cmd)).containsSubsequence("--driver-memory", "512m", "app.jar");
  }

  @Test
  void leavesTheApplicationsArgumentsAlone() {
    List<String> cmd = SubmitCommand.command(home, List.of("--verbose", "app.jar", "--conf", "spark.executor.extraJavaOptions=-Dy", "--driver-memory", "9g"));
    assertThat(submitArgs(cmd)).endsWith("--verbose", "app.jar", "--conf", "spark.executor.extraJavaOptions=-Dy", "--driver-memory", "9g");
    assertThat(cmd).contains("-Xmx" + SubmitCommand.DEFAULT_DRIVER_MEMORY).doesNotContain("-Xmx9g");
    assertThat(submitArgs(cmd)).startsWith("--conf", "spark.driver.extraJavaOptions=" + OPENS,
        "--conf", "spark.executor.extraJavaOptions=" + OPENS);
  }
}
