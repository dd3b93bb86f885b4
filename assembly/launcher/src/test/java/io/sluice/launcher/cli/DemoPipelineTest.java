package io.sluice.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the demo tells each packaged agent and the Spark job, per pipeline. */
class DemoPipelineTest {

  @Test
  void syslogAgentGetsItsFileSinkAndLoopbackListeners() {
    Map<String, String> env = DemoPipeline.SYSLOG.agentEnv(Path.of("/data/auth.log"), 4242);

    assertThat(env).containsEntry("SLUICE_SYSLOG_FILE", "/data/auth.log").containsEntry("SLUICE_SYSLOG_SINK_PORT", "4242")
        .containsEntry("SLUICE_SYSLOG_HOST", "127.0.0.1")
        .containsOnlyKeys("SLUICE_SYSLOG_FILE", "SLUICE_SYSLOG_SINK_PORT", "SLUICE_SYSLOG_HOST", "SLUICE_SYSLOG_TCP_PORT",
            "SLUICE_SYSLOG_UDP_PORT");
    assertThat(Integer.parseInt(env.get("SLUICE_SYSLOG_TCP_PORT"))).isBetween(1, 65535);
    assertThat(Integer.parseInt(env.get("SLUICE_SYSLOG_UDP_PORT"))).isBetween(1, 65535);
    assertThat(DemoPipeline.LOGS.agentEnv(Path.of("/a.log"), 1)).containsOnlyKeys("SLUICE_LOGS_FILE", "SLUICE_LOGS_SINK_PORT");
  }

  @Test
  void oneJobForAllTakesEachPipelinesAnalysisOptions() {
    assertThat(DemoPipeline.SYSLOG.jobArgs()).containsExactly("--pipeline", "syslog", "--syslog-window-seconds", "60",
        "--syslog-slide-seconds", "60", "--arrival-window-seconds", "10", "--arrival-slide-seconds", "2");
    assertThat(DemoPipeline.TWEETS.liveJobArgs()).as("live posts: the job's default event-time windows")
        .containsExactly("--pipeline", "tweets", "--arrival-window-seconds", "10", "--arrival-slide-seconds", "2");
    assertThat(DemoPipeline.TWEETS.jobArgs()).contains("--tweets-window-seconds", "2592000");
    assertThat(DemoPipeline.LOGS.analysisArgs()).containsExactly("--logs-window-seconds", "3600",
        "--logs-slide-seconds", "3600", "--error-rate-threshold", "0.005", "--error-min-requests", "100",
        "--anomalies", "true");
    List<String> all = new ArrayList<>();
    for (DemoPipeline p : DemoPipeline.values()) {
      all.addAll(p.analysisArgs());
    }
    assertThat(all).doesNotContain("--pipeline", "--arrival-window-seconds").contains("--logs-window-seconds",
        "--tweets-window-seconds", "--syslog-window-seconds", "--error-rate-threshold");
    assertThat(DemoPipeline.values()).extracting(DemoPipeline::id).containsExactly("logs", "tweets", "syslog");
  }
}
