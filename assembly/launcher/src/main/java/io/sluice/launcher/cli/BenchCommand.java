package io.sluice.launcher.cli;

import io.sluice.launcher.bench.FaultsBench;
import io.sluice.launcher.bench.PipelineBench;
import io.sluice.launcher.bench.SourceBench;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code sluice bench}: benchmarks of the distribution. {@code sluice bench pipeline} measures the
 * pipeline stage by stage ({@link PipelineBench}); {@code sluice bench faults} kills its processes
 * mid-stream and checks every event by id ({@link FaultsBench}); {@code sluice bench source} measures each
 * source (replay, MQTT, ZeroMQ, TCP) into its Kafka channel ({@link SourceBench}). The parser's JMH benchmark,
 * {@code ./sluice bench parse}, runs from a source checkout (it needs the {@code flume-plugins/bench}
 * jar, which the distribution does not ship).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks: 'pipeline' measures the pipeline stage by stage on this machine; 'faults' crashes its "
        + "processes with kill -9 and checks that no event is lost or counted twice; 'source' measures each source "
        + "(replay, MQTT, ZeroMQ, TCP) into its Kafka channel.",
        "(From a source checkout, ./sluice bench parse runs the parser's JMH benchmark.)"},
    subcommands = {PipelineBench.class, FaultsBench.class, SourceBench.class})
public final class BenchCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
