package io.sluice.launcher.cli;

import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Foreground;
import io.sluice.launcher.process.Jvm;
import io.sluice.launcher.process.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * {@code sluice hdfs [--conf DIR] namenode|datanode|dfs|dfsadmin ARGS}: Hadoop 3.3.6 HDFS from
 * {@code lib/hadoop}, as Hadoop's {@code hdfs} script runs it: the configuration directory
 * ({@code core-site.xml}, {@code hdfs-site.xml}, {@code log4j.properties}) first on the classpath,
 * then the jars; the arguments go to the Hadoop class unchanged (generic options such as
 * {@code -D key=value} and {@code -fs URI} included). Daemons log at INFO, the shells at WARN.
 * Heap: {@code -Xmx} of {@code HADOOP_HEAPSIZE_MAX} (default 256m); {@code HADOOP_OPTS} is appended. The
 * shells run with flags for a fast start (serial GC, C1 only).
 */
@Command(name = "hdfs", mixinStandardHelpOptions = true,
    description = {"Run HDFS (Hadoop 3.3.6): a NameNode or DataNode in the foreground, or the dfs / dfsadmin shells.",
        "GENERIC-OPTIONS are Hadoop's: -D KEY=VALUE, -fs hdfs://HOST:PORT, -conf FILE."},
    subcommands = {HdfsCommand.NameNode.class, HdfsCommand.DataNode.class, HdfsCommand.Dfs.class, HdfsCommand.DfsAdmin.class},
    footer = {"", "Examples:",
        "  sluice hdfs --conf /etc/sluice/hadoop namenode -format -nonInteractive",
        "  sluice hdfs --conf /etc/sluice/hadoop namenode",
        "  sluice hdfs dfs -fs hdfs://10.0.0.4:8020 -ls /"})
public final class HdfsCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--conf", paramLabel = "DIR",
      description = "Hadoop configuration directory (default: HADOOP_CONF_DIR, else SLUICE_HOME/conf/hadoop).")
  Path conf;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing sub-command: namenode, datanode, dfs or dfsadmin");
  }

  int runHadoop(String mainClass, String name, boolean daemon, List<String> args) throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    String env = System.getenv("HADOOP_CONF_DIR");
    Path confDir = conf != null ? conf.toAbsolutePath().normalize()
        : env != null && !env.isBlank() ? Path.of(env) : home.hadoopConf();
    if (!Files.isDirectory(confDir)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--conf: not a directory: " + confDir);
    }
    String heap = System.getenv().getOrDefault("HADOOP_HEAPSIZE_MAX", "256m");
    List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(), "-Xmx" + heap,
        "-Dhadoop.root.logger=" + (daemon ? "INFO" : "WARN") + ",console",
        "-Dhadoop.log.dir=" + Path.of("").toAbsolutePath(),
        "-Dproc_" + name));
    if (!daemon) {
      cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")); // a short-lived shell: start fast
    }
    cmd.addAll(AgentCommand.splitOptions(System.getenv("HADOOP_OPTS")));
    cmd.addAll(List.of("-cp", home.hadoopClasspath(confDir), mainClass));
    cmd.addAll(args);
    ManagedProcess p = ManagedProcess.start("hdfs " + name, cmd, Map.of("HADOOP_CONF_DIR", confDir.toString()),
        Path.of("").toAbsolutePath(), null);
    return Foreground.run(p, Duration.ofSeconds(daemon ? 30 : 5));
  }

  @Command(name = "namenode", mixinStandardHelpOptions = true,
      customSynopsis = "sluice hdfs [--conf DIR] namenode [-hV] [GENERIC-OPTIONS] [-format [-nonInteractive]]",
      description = "HDFS NameNode in the foreground; with -format [-nonInteractive] formats its name directories and exits.")
  static final class NameNode implements Callable<Integer> {
    @ParentCommand HdfsCommand hdfs;
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return hdfs.runHadoop("org.apache.hadoop.hdfs.server.namenode.NameNode", "namenode", true, args);
    }
  }

  @Command(name = "datanode", mixinStandardHelpOptions = true,
      customSynopsis = "sluice hdfs [--conf DIR] datanode [-hV] [GENERIC-OPTIONS]", description = "HDFS DataNode in the foreground.")
  static final class DataNode implements Callable<Integer> {
    @ParentCommand HdfsCommand hdfs;
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return hdfs.runHadoop("org.apache.hadoop.hdfs.server.datanode.DataNode", "datanode", true, args);
    }
  }

  @Command(name = "dfs", mixinStandardHelpOptions = true,
      customSynopsis = "sluice hdfs [--conf DIR] dfs [-hV] [GENERIC-OPTIONS] -COMMAND [ARGS...]",
      description = "The file system shell (hdfs dfs): -ls, -put, -cat, -mkdir -p, ... (run 'sluice hdfs dfs -help').")
  static final class Dfs implements Callable<Integer> {
    @ParentCommand HdfsCommand hdfs;
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return hdfs.runHadoop("org.apache.hadoop.fs.FsShell", "dfs", false, args);
    }
  }

  @Command(name = "dfsadmin", mixinStandardHelpOptions = true,
      customSynopsis = "sluice hdfs [--conf DIR] dfsadmin [-hV] [GENERIC-OPTIONS] -COMMAND [ARGS...]",
      description = "The HDFS admin shell (hdfs dfsadmin): -report, -safemode wait, ...")
  static final class DfsAdmin implements Callable<Integer> {
    @ParentCommand HdfsCommand hdfs;
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return hdfs.runHadoop("org.apache.hadoop.hdfs.tools.DFSAdmin", "dfsadmin", false, args);
    }
  }
}
