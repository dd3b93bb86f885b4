package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import java.io.Serializable;

/**
 * What every {@link Alert} has: its type, its pipeline and its window's bounds, and the JSON
 * fields they give ({@code id}, {@code type}, {@code pipeline}, {@code windowStart},
 * {@code windowEnd}), followed by the subclass's own {@link #putFields fields}. Immutable.
 */
abstract class WindowAlert implements Alert, Serializable {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String type;
  private final Pipeline pipeline;
  final long windowStartMs;
  final long windowEndMs;

  WindowAlert(String type, Pipeline pipeline, long windowStartMs, long windowEndMs) {
    this.type = type;
    this.pipeline = pipeline;
    this.windowStartMs = windowStartMs;
    this.windowEndMs = windowEndMs;
  }

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final Pipeline pipeline() {
    return pipeline;
  }

  @Override
  public final long windowStartMs() {
    return windowStartMs;
  }

  @Override
  public final long windowEndMs() {
    return windowEndMs;
  }

  /** Adds the fields that follow {@code windowEnd} in this alert's JSON. */
  abstract void putFields(ObjectNode json);

  @Override
  public final ObjectNode toJsonTree() {
    ObjectNode a = JSON.createObjectNode();
    a.put("id", id());
    a.put("type", type);
    a.put("pipeline", pipeline.id());
    a.put("windowStart", windowStartMs);
    a.put("windowEnd", windowEndMs);
    putFields(a);
    return a;
  }

  @Override
  public final String toString() {
    return toJsonTree().toString();
  }
}
