package io.sluice.spark.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.input.flume.ReceiverStatusListener;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code receivers.json} under the job's output after every change of a receiver (started,
 * stopped, error reported, for example a SparkSink it cannot reach), replaced atomically:
 * <pre>
 * {"receivers": [{"streamId": 0, "name": "ReliablePollingReceiver-0", "active": true,
 *                 "lastError": "SparkSink 127.0.0.1:41414 unreachable (3 attempt(s) in a row): ... (for 2 s)",
 *                 "lastErrorTimeMs": 1796217132000}]}
 * </pre>
 * {@code lastError} is {@code ""} and {@code lastErrorTimeMs} {@code -1} when none was reported.
 * The demo prints the errors in its progress line.
 */
public final class ReceiverStatusFile {

  static final String FILE = "receivers.json";

  private static final Logger LOG = LoggerFactory.getLogger(ReceiverStatusFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReceiverStatusFile() {}

  /** A listener writing {@value #FILE} into {@code store}. */
  public static ReceiverStatusListener listener(OutputStore store) {
    return new ReceiverStatusListener(all -> write(store, all));
  }

  private static void write(OutputStore store, List<ReceiverStatusListener.ReceiverState> all) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode receivers = root.putArray("receivers");
    for (ReceiverStatusListener.ReceiverState r : all) {
      receivers.addObject()
          .put("streamId", r.streamId())
          .put("name", r.name())
          .put("active", r.active())
          .put("lastError", r.lastError() == null ? "" : r.lastError())
          .put("lastErrorTimeMs", r.lastErrorTimeMs());
    }
    try {
      store.replace(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      LOG.warn("Cannot write {} under {}", FILE, store, e);
    }
  }
}
