package io.sluice.flume.source.kinesis;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
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
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Puts text lines into a Kinesis data stream, one record per line (the line's UTF-8 bytes without
 * its line break), with PutRecords requests of up to 500 records (the API's limit). The partition
 * key of line {@code n} (1-based) is {@code <keyPrefix>:<n>}, so lines spread over the shards by
 * the MD5 hash of the key. A record that PutRecords reports as failed (throughput exceeded,
 * internal failure) is sent again, with the records after it in the same request, until it is in,
 * so each shard receives its lines in file order; a line is written twice only if a request
 * failed as a whole after Kinesis had stored some of it.
 *
 * <p>Used by the demo ({@code --via kinesis}, through {@link #main}) and the tests to feed the
 * bundled input files to a stream that {@link KinesisSource} reads.
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

  /** Longest wait for a created stream to become ACTIVE, in milliseconds. */
  static final long ACTIVE_TIMEOUT_MS = 30_000;

  /**
   * The demo's command line ({@code sluice demo --via kinesis} runs it in a JVM of its own, with the
   * agents' classpath), against a Kinesis endpoint in JSON mode (kinesalite; credentials and region
   * from the SDK's default chain, e.g. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION):
   * <ul>
   *   <li>{@code create ENDPOINT STREAM...}: creates each stream with one shard (an existing one is
   *       kept) and waits until every one is ACTIVE;
   *   <li>{@code publish ENDPOINT STREAM KEY_PREFIX FILE}: puts every line of the UTF-8 file
   *       ({@link #publishFile}; partition keys {@code KEY_PREFIX:<line>}) and prints
   *       {@code published <lines>} on stdout.
   * </ul>
   * Exit status 0 done, 1 failed (the error on stderr), 2 bad command line.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 3 || !(args[0].equals("create") || args[0].equals("publish") && args.length == 5)) {
      System.err.println("usage: KinesisLinePublisher create ENDPOINT STREAM... | publish ENDPOINT STREAM KEY_PREFIX FILE");
      System.exit(2);
    }
    try (KinesisClient client = KinesisClients.create("", URI.create(args[1]), 60_000, false)) {
      if (args[0].equals("create")) {
        for (int i = 2; i < args.length; i++) {
          String stream = args[i];
          try {
            client.describeStreamSummary(b -> b.streamName(stream));
          } catch (ResourceNotFoundException absent) {
            client.createStream(b -> b.streamName(stream).shardCount(1));
          }
        }
        for (int i = 2; i < args.length; i++) {
          String stream = args[i];
          long deadline = System.currentTimeMillis() + ACTIVE_TIMEOUT_MS;
          while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
              .streamStatus() != StreamStatus.ACTIVE) {
            if (System.currentTimeMillis() > deadline) {
              throw new IllegalStateException("stream " + stream + " not ACTIVE after " + ACTIVE_TIMEOUT_MS + " ms");
            }
            Thread.sleep(50); // poll interval until ACTIVE
          }
        }
        System.out.println("created " + (args.length - 2));
      } else {
        List<Put> puts = new KinesisLinePublisher(client, args[2], args[3]).publishFile(Path.of(args[4]));
        System.out.println("published " + puts.size());
      }
    } catch (RuntimeException | IOException e) {
      System.err.println("KinesisLinePublisher " + args[0] + " failed: " + e);
      System.exit(1);
    }
  }
}
