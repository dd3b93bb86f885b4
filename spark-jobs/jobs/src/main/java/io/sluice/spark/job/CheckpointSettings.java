package io.sluice.spark.job;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.spark.output.OutputStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Guards a checkpoint against a restart with other settings. A job restarted on a checkpoint runs
 * the computation stored in it (windows, thresholds, sources, output location), not the one its
 * command line describes, so a changed option would be silently ignored. The job therefore stores
 * {@link AnalyticsJobConfig#checkpointedSettings()} as {@value #FILE_NAME} next to Spark's files
 * when it creates a checkpoint, and a restart whose settings differ fails, naming each option.
 */
final class CheckpointSettings {

  static final String FILE_NAME = "sluice-job-settings.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final OutputStore checkpoint;

  CheckpointSettings(String checkpointUri) {
    this.checkpoint = new OutputStore(checkpointUri);
  }

  /**
   * @throws IllegalArgumentException when the checkpoint holds settings other than {@code config}'s,
   *     naming every option that differs
   */
  void verify(AnalyticsJobConfig config) {
    Map<String, String> stored;
    try {
      byte[] bytes = checkpoint.read(FILE_NAME);
      if (bytes == null) {
        return;
      }
      stored = JSON.readValue(bytes, new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + checkpoint.uri(FILE_NAME), e);
    }
    Map<String, String> now = config.checkpointedSettings();
    List<String> differences = new ArrayList<>();
    TreeMap<String, String> keys = new TreeMap<>(stored);
    now.forEach(keys::putIfAbsent);
    for (String key : keys.keySet()) {
      if (!Objects.equals(stored.get(key), now.get(key))) {
        differences.add(key + " (checkpoint: " + stored.getOrDefault(key, "unset") + ", now: "
            + now.getOrDefault(key, "unset") + ")");
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException("The checkpoint " + checkpoint.root() + " belongs to a job with other settings: "
          + String.join("; ", differences) + ". A restarted job keeps the settings of its checkpoint; run with the "
          + "same options, or give a new --checkpoint to start from scratch.");
    }
  }

  void save(AnalyticsJobConfig config) {
    try {
      checkpoint.replace(FILE_NAME, JSON.writeValueAsBytes(new TreeMap<>(config.checkpointedSettings())));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + checkpoint.uri(FILE_NAME), e);
    }
  }
}
