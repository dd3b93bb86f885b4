package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.source.SourceTestSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.file.FileChannel;
import org.apache.flume.conf.Configurables;

/**
 * What a Flume FILE channel holds: the channel a (dead) agent JVM kept under a directory, opened
 * in this JVM with the same directories, so its log is replayed as a restarted agent would, and
 * drained.
 */
public final class FileChannelContents {

  /** FILE channel settings of the agents the tests start; also used to read them back. */
  public static final int CAPACITY = 100_000;
  public static final int TRANSACTION_CAPACITY = 1_000;
  /** Flume's default is 500 MB of free disk; the tests' channels hold a few MB. */
  public static final long MINIMUM_REQUIRED_SPACE = 1_048_576;

  private FileChannelContents() {
  }

  /** The agent-file keys of FILE channel {@code channel} of agent {@code agent} under {@code dir}. */
  public static String agentConfig(String agent, String channel, Path dir) {
    String prefix = agent + ".channels." + channel + ".";
    return prefix + "type = file\n"
        + prefix + "checkpointDir = " + dir.resolve("checkpoint") + "\n"
        + prefix + "dataDirs = " + dir.resolve("data") + "\n"
        + prefix + "capacity = " + CAPACITY + "\n"
        + prefix + "transactionCapacity = " + TRANSACTION_CAPACITY + "\n"
        + prefix + "minimumRequiredSpace = " + MINIMUM_REQUIRED_SPACE + "\n";
  }

  /**
   * Every event in the FILE channel kept under {@code dir} (as configured by
   * {@link #agentConfig}), in channel order. No agent may be using it.
   */
  public static List<Event> drain(Path dir) {
    FileChannel channel = new FileChannel();
    channel.setName(SourceTestSupport.uniqueName("file-channel-reader"));
    Configurables.configure(channel, new Context(Map.of(
        "checkpointDir", dir.resolve("checkpoint").toString(),
        "dataDirs", dir.resolve("data").toString(),
        "capacity", Integer.toString(CAPACITY),
        "transactionCapacity", Integer.toString(TRANSACTION_CAPACITY),
        "minimumRequiredSpace", Long.toString(MINIMUM_REQUIRED_SPACE))));
    channel.start();
    try {
      assertThat(channel.isOpen()).as("FILE channel under %s replayed and open", dir).isTrue();
      List<Event> events = new ArrayList<>();
      for (List<Event> taken = SourceTestSupport.take(channel, TRANSACTION_CAPACITY);
          !taken.isEmpty(); taken = SourceTestSupport.take(channel, TRANSACTION_CAPACITY)) {
        events.addAll(taken);
      }
      return events;
    } finally {
      channel.stop();
    }
  }
}
