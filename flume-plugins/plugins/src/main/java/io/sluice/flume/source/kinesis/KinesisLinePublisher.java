package io.sluice.flume.source.kinesis;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts text lines into a Kinesis data stream, one record per line (the line's UTF-8 bytes without
 * its line break), with PutRecords requests of up to 500 records (the API's limit). The partition
 * key of line {@code n} (1-based) is {@code <keyPrefix>:<n>}, so lines spread over the shards by
 * the MD5 hash of the key. A record that PutRecords reports as failed (throughput exceeded,
 * internal failure) is sent again, with the records after it in the same request, until it is in,
 * so each shard receives its lines in file order; a line is written twice only if a request
 * failed as a whole after Kinesis had stored some of it.
 *
 * <p>Used by the demo ({@code --via kinesis}) and the tests to feed the bundled access log to a
 * stream that {@link KinesisSource} reads.
 */
public final class KinesisLinePublisher {

  /** Most records per PutRecords request (Kinesis API). */
  public static final int MAX_RECORDS_PER_REQUEST = 500;

  /** Where one line went. */
  public static final class Put {
    /** The line, 1-based. */
    public final long line;
    /** The shard Kinesis put it in. */
    public final String shardId;
    /** Its sequence number in that shard. */
    public final String sequenceNumber;

    Put(long line, String shardId, String sequenceNumber) {
      this.line = line;
      this.shardId = shardId;
      this.sequenceNumber = sequenceNumber;
    }
  }

  private final KinesisClient client;
  private final String stream;
  private final String keyPrefix;

  /**
   * @param client a Kinesis client ({@link KinesisClients#create}); not closed by this class
   * @param stream the stream name
   * @param keyPrefix the partition keys' prefix, e.g. the file name
   */
  public KinesisLinePublisher(KinesisClient client, String stream, String keyPrefix) {
    this.client = client;
    this.stream = stream;
    this.keyPrefix = keyPrefix;
  }

  /**
   * Puts every line of a UTF-8 file, in order.
   *
   * @param file the file
   * @return where each line went, in line order
   * @throws IOException when the file cannot be read
   * @throws software.amazon.awssdk.core.exception.SdkException when a request fails
   */
  public List<Put> publishFile(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(line);
      }
    }
    return publish(lines, 1);
  }

  /**
   * Puts lines, in order.
   *
   * @param lines the lines
   * @param firstLineNumber the number of the first line (partition keys, {@link Put#line})
   * @return where each line went, in order
   */
  public List<Put> publish(List<String> lines, long firstLineNumber) {
    List<Put> puts = new ArrayList<>(lines.size());
    int next = 0;
    while (next < lines.size()) {
      int end = Math.min(next + MAX_RECORDS_PER_REQUEST, lines.size());
      List<PutRecordsRequestEntry> entries = new ArrayList<>(end - next);
      for (int i = next; i < end; i++) {
        entries.add(PutRecordsRequestEntry.builder()
            .partitionKey(keyPrefix + ":" + (firstLineNumber + i))
            .data(SdkBytes.fromString(lines.get(i), StandardCharsets.UTF_8)).build());
      }
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
      List<PutRecordsResultEntry> results = response.records();
      int stored = 0;
      while (stored < results.size() && results.get(stored).errorCode() == null) {
        PutRecordsResultEntry result = results.get(stored);
        puts.add(new Put(firstLineNumber + next + stored, result.shardId(),
            result.sequenceNumber()));
        stored++;
      }
      // The first failed record and those after it go again (those after it that were stored
      // are written twice: order within a shard is kept over no duplicates).
      next += stored;
      if (stored < results.size()) {
        try {
          Thread.sleep(100); // throughput exceeded: wait before the next request
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while publishing to " + stream, e);
        }
      }
    }
    return puts;
  }
}
