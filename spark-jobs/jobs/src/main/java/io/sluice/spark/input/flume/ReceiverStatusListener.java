package io.sluice.spark.input.flume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.streaming.scheduler.ReceiverInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchStarted;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchSubmitted;
import org.apache.spark.streaming.scheduler.StreamingListenerOutputOperationCompleted;
import org.apache.spark.streaming.scheduler.StreamingListenerOutputOperationStarted;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverError;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverStarted;
import org.apache.spark.streaming.scheduler.StreamingListenerReceiverStopped;
import org.apache.spark.streaming.scheduler.StreamingListenerStreamingStarted;

/**
 * Follows the job's receivers on the driver (started, stopped, last error as reported by
 * {@link ReliablePollingReceiver}, for example an unreachable SparkSink) and hands the state of all
 * of them to {@code onChange} after every change, on Spark's listener thread.
 */
public final class ReceiverStatusListener implements StreamingListener {

  /**
   * One receiver: {@code lastError} is empty once it stores batches again after an error
   * ({@code lastErrorTimeMs} stays).
   */
  public record ReceiverState(int streamId, String name, boolean active, String location, String lastError,
      long lastErrorTimeMs) {}

  private final Map<Integer, ReceiverState> receivers = new TreeMap<>();
  private final Consumer<List<ReceiverState>> onChange;

  public ReceiverStatusListener(Consumer<List<ReceiverState>> onChange) {
    this.onChange = onChange;
  }

  @Override
  public void onReceiverStarted(StreamingListenerReceiverStarted started) {
    update(started.receiverInfo());
  }

  @Override
  public void onReceiverError(StreamingListenerReceiverError error) {
    update(error.receiverInfo());
  }

  @Override
  public void onReceiverStopped(StreamingListenerReceiverStopped stopped) {
    update(stopped.receiverInfo());
  }

  private void update(ReceiverInfo info) {
    List<ReceiverState> all;
    synchronized (receivers) {
      receivers.put(info.streamId(), new ReceiverState(info.streamId(), info.name(), info.active(),
          info.location(), info.lastErrorMessage(), info.lastErrorTime()));
      all = new ArrayList<>(receivers.values());
    }
    onChange.accept(all);
  }

  @Override
  public void onStreamingStarted(StreamingListenerStreamingStarted started) {}

  @Override
  public void onBatchSubmitted(StreamingListenerBatchSubmitted submitted) {}

  @Override
  public void onBatchStarted(StreamingListenerBatchStarted started) {}

  @Override
  public void onBatchCompleted(StreamingListenerBatchCompleted completed) {}

  @Override
  public void onOutputOperationStarted(StreamingListenerOutputOperationStarted started) {}

  @Override
  public void onOutputOperationCompleted(StreamingListenerOutputOperationCompleted completed) {}
}
