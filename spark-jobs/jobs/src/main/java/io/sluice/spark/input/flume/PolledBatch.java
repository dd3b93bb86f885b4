package io.sluice.spark.input.flume;

import java.util.List;

/**
 * One answer of a SparkSink to {@code getEventBatch(n)} in {@code SparkFlumeProtocol}: either a
 * batch of events, held in an open channel transaction on the agent under {@link #sequenceNumber},
 * or an error message (for example "Tried several times, but did not get any events from the
 * channel!"), in which case no transaction is open and nothing is acknowledged.
 *
 * @param <E> the event type of the Spark line (Spark 2.4.7: {@code SparkFlumeEvent})
 */
public final class PolledBatch<E> {

  private final String sequenceNumber;
  private final List<E> events;
  private final String errorMessage;

  private PolledBatch(String sequenceNumber, List<E> events, String errorMessage) {
    this.sequenceNumber = sequenceNumber;
    this.events = events;
    this.errorMessage = errorMessage;
  }

  /** A batch to store, then acknowledge with {@code ack(sequenceNumber)}. */
  public static <E> PolledBatch<E> of(String sequenceNumber, List<E> events) {
    return new PolledBatch<>(sequenceNumber, List.copyOf(events), null);
  }

  /** The sink's error answer: no events, no transaction. */
  public static <E> PolledBatch<E> error(String message) {
    return new PolledBatch<>(null, List.of(), message == null || message.isEmpty() ? "unknown error" : message);
  }

  public boolean isError() {
    return errorMessage != null;
  }

  public String sequenceNumber() {
    return sequenceNumber;
  }

  public List<E> events() {
    return events;
  }

  public String errorMessage() {
    return errorMessage;
  }
}
