package io.sluice.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.SluiceHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlumeAgentCommandTest {

  @TempDir
  Path tmp;

  @Test
  void buildsFlumeNgsClasspathFromConfLibAndEveryPluginDirectory() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("sluice"));
    Files.createDirectories(home.resolve("conf"));
    Path pluginsA = tmp.resolve("plugins-a");
    Path pluginsB = tmp.resolve("plugins-b");
    Files.createDirectories(pluginsA.resolve("zeta/lib"));
    Files.createDirectories(pluginsA.resolve("alpha/native"));
    Files.createDirectories(pluginsB.resolve("beta/libext"));
    Path conf = Files.createDirectories(tmp.resolve("myconf"));
    Files.writeString(conf.resolve("log4j2.xml"), "<Configuration/>");

    AgentSpec spec = new AgentSpec("logs", tmp.resolve("logs.properties"), conf, List.of(pluginsA, pluginsB),
        Map.of("flume.monitoring.type", "http"), List.of("-Xmx1g"), "/extra/*", true);
    List<String> cmd = FlumeAgent.command(new SluiceHome(home, new Properties()), spec);

    assertThat(cmd.get(cmd.indexOf("-cp") + 1).split(":")).containsExactly(
        conf.toString(), home.resolve("lib/flume") + "/*",
        pluginsA.resolve("alpha/lib") + "/*", pluginsA.resolve("alpha/libext") + "/*",
        pluginsA.resolve("zeta/lib") + "/*", pluginsA.resolve("zeta/libext") + "/*",
        pluginsB.resolve("beta/lib") + "/*", pluginsB.resolve("beta/libext") + "/*",
        "/extra/*");
    assertThat(cmd).contains("-Djava.library.path=" + pluginsA.resolve("alpha/native"),
        "-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml"), "-Dflume.monitoring.type=http");
    assertThat(cmd.indexOf("-Xmx1g")).as("JAVA_OPTS after the defaults").isGreaterThan(cmd.indexOf("-Xmx512m"));
    assertThat(cmd.subList(cmd.indexOf("org.apache.flume.node.Application"), cmd.size())).containsExactly(
        "org.apache.flume.node.Application", "-n", "logs", "-f", tmp.resolve("logs.properties").toString(), "--no-reload-conf");
  }

  @Test
  void appendsTheHadoopClientForTheHdfsSinkAfterFlumesOwnJars() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("sluice"));
    Path flumeLib = Files.createDirectories(home.resolve("lib/flume"));
    Path hadoopLib = Files.createDirectories(home.resolve("lib/hadoop"));
    Files.createDirectories(hadoopLib.resolve("webapps/hdfs"));
    for (String jar : List.of("avro-1.11.3.jar", "flume-hdfs-sink-1.11.0.jar")) {
      Files.createFile(flumeLib.resolve(jar));
    }
    for (String jar : List.of("hadoop-common-3.3.6.jar", "hadoop-hdfs-client-3.3.6.jar", "hadoop-hdfs-3.3.6.jar",
        "avro-1.11.3.jar", "reload4j-1.2.22.jar", "slf4j-reload4j-1.7.36.jar", "woodstox-core-5.4.0.jar")) {
      Files.createFile(hadoopLib.resolve(jar));
    }
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    AgentSpec spec = new AgentSpec("logs", tmp.resolve("logs.properties"), conf, List.of(), Map.of(), List.of(),
        "/extra/*", false);
    List<String> cmd = FlumeAgent.command(new SluiceHome(home, new Properties()), spec);

    assertThat(cmd.get(cmd.indexOf("-cp") + 1).split(":")).containsExactly(
        conf.toString(), home.resolve("lib/flume") + "/*", "/extra/*",
        hadoopLib.resolve("hadoop-common-3.3.6.jar").toString(),
        hadoopLib.resolve("hadoop-hdfs-client-3.3.6.jar").toString(),
        hadoopLib.resolve("woodstox-core-5.4.0.jar").toString());
  }

  @Test
  void fallsBackToTheDistributionsLog4jConfiguration() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("sluice"));
    Path conf = Files.createDirectories(tmp.resolve("bare-conf"));
    AgentSpec spec = new AgentSpec("tweets", tmp.resolve("t.properties"), conf, List.of(), Map.of(), List.of(), "", false);
    List<String> cmd = FlumeAgent.command(new SluiceHome(home, new Properties()), spec);
    assertThat(cmd).contains("-Dlog4j.configurationFile=" + home.resolve("conf/log4j2.xml")).doesNotContain("--no-reload-conf");
  }
}
