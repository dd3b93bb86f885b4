package io.sluice.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's progress line shows the receiver errors a job wrote to {@code receivers.json} recently. */
class DemoReceiverErrorsTest {

  @TempDir
  Path jobOut;

  @Test
  void showsOnlyErrorsReportedSinceTheGivenTime() throws Exception {
    Files.writeString(jobOut.resolve("receivers.json"), """
        {"receivers": [
          {"streamId": 0, "name": "ReliablePollingReceiver-0", "active": true,
           "lastError": "SparkSink 127.0.0.1:4141 unreachable (3 attempt(s) in a row): Connection refused (for 2 s)",
           "lastErrorTimeMs": 5000},
          {"streamId": 1, "name": "ReliablePollingReceiver-1", "active": true,
           "lastError": "SparkSink 127.0.0.1:4142 unreachable (1 attempt(s) in a row): Connection refused (for 0 s)",
           "lastErrorTimeMs": 1000},
          {"streamId": 2, "name": "ReliablePollingReceiver-2", "active": true, "lastError": "", "lastErrorTimeMs": -1}
        ]}""");

    assertThat(DemoCommand.recentReceiverErrors(jobOut, 4000)).containsExactly(
        "SparkSink 127.0.0.1:4141 unreachable (3 attempt(s) in a row): Connection refused (for 2 s)");
    assertThat(DemoCommand.recentReceiverErrors(jobOut, 6000)).isEmpty();
    assertThat(DemoCommand.recentReceiverErrors(jobOut.resolve("missing"), 0)).isEmpty();
  }
}
