package io.sluice.flume.source.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code '\n'} without decoding it, keeping at most
 * {@code maxLineBytes} bytes of each line.
 *
 * <p>A line is the bytes between two {@code '\n'} (or between the start of the stream and the
 * first one) with at most one trailing {@code '\r'} removed, so CRLF files yield the same lines as
 * LF files. Every {@code '\n'} ends a line, so empty lines are returned as empty arrays; bytes
 * after the last {@code '\n'} form one more line; a stream ending in {@code '\n'} has no extra
 * empty line. The line count therefore equals {@code wc -l}, plus one when the last line has no
 * terminator. Bytes are never decoded: invalid UTF-8 passes through unchanged.
 *
 * <p>A line longer than {@code maxLineBytes} (its length counted without its terminator, so a line
 * of exactly {@code maxLineBytes} bytes ending in CRLF is whole) is <em>cut</em>:
 * {@link #readLine()} returns its first {@code maxLineBytes} bytes, {@link #lastLineCut()} is true
 * and {@link #lastLineLength()} tells its full length; the rest of it is read and skipped up to its
 * {@code '\n'}, never stored, and the next call returns the next line. So the reader holds at most
 * its read buffer plus {@code maxLineBytes + 1} bytes of a line in progress (the extra byte: a
 * {@code '\r'} that may be the terminator's), whatever the line's length:
 * {@link #peakLineBufferBytes()} reports the most it held.
 *
 * <p>{@link #offset()} tells how many bytes of the stream the lines returned so far took, their
 * terminators (and skipped tails) included: the position to resume at after the last of them.
 *
 * <p>If the underlying stream throws, the reader's state is unchanged and {@link #readLine()} may
 * be called again. Not thread-safe.
 */
final class LineReader implements Closeable {

  static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
  /** No limit: the largest array a JVM allocates, less the byte kept for a CR. */
  static final int NO_LIMIT = Integer.MAX_VALUE - 9;
  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte[] EMPTY = new byte[0];

  private final InputStream in;
  private final byte[] buffer;
  private final int maxLineBytes;
  private int position;
  private int limit;
  private boolean endOfStream;
  /** Offset in the stream of {@code buffer[0]}. */
  private long bufferStart;
  /** Offset in the stream just after the last line returned (and its terminator). */
  private long offset;
  /**
   * The first bytes of a line that spans buffer refills, at most {@code maxLineBytes + 1};
   * {@code partialLength} of them are valid.
   */
  private byte[] partial = EMPTY;
  private int partialLength;
  /** Bytes of the line in progress read so far (stored or skipped); 0 when none. */
  private long pendingLength;
  /** The last byte of the line in progress read so far. */
  private byte pendingLast;
  private int peakLineBufferBytes;
  private boolean lastLineCut;
  private long lastLineLength;

  LineReader(InputStream in) {
    this(in, DEFAULT_BUFFER_SIZE, NO_LIMIT);
  }

  LineReader(InputStream in, int bufferSize) {
    this(in, bufferSize, NO_LIMIT);
  }

  /**
   * @param in the stream, closed by {@link #close()}
   * @param bufferSize bytes read from the stream at a time
   * @param maxLineBytes most bytes of a line returned, 1 to {@link #NO_LIMIT}
   */
  LineReader(InputStream in, int bufferSize, int maxLineBytes) {
    if (bufferSize <= 0) {
      throw new IllegalArgumentException("bufferSize must be > 0, got " + bufferSize);
    }
    if (maxLineBytes <= 0 || maxLineBytes > NO_LIMIT) {
      throw new IllegalArgumentException("maxLineBytes must be in 1.." + NO_LIMIT + ", got "
          + maxLineBytes);
    }
    this.in = in;
    this.buffer = new byte[bufferSize];
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Returns the next line, without its terminator, cut to {@code maxLineBytes} bytes.
   *
   * @return the line's bytes (possibly empty), or {@code null} at the end of the stream
   * @throws IOException if the stream cannot be read
   */
  byte[] readLine() throws IOException {
    while (true) {
      if (position == limit) {
        if (endOfStream || !fill()) {
          if (pendingLength == 0) {
            return null;
          }
          offset = bufferStart + limit;
          return takePending();
        }
      }
      int newline = indexOfLf(position, limit);
      if (newline >= 0 && pendingLength == 0) { // the whole line is in the buffer
        int start = position;
        position = newline + 1;
        offset = bufferStart + position;
        int length = newline > start && buffer[newline - 1] == CR
            ? newline - start - 1 : newline - start;
        return finish(length, Arrays.copyOfRange(buffer, start, start + Math.min(length,
            maxLineBytes)));
      }
      int end = newline >= 0 ? newline : limit;
      appendToPending(position, end);
      if (newline >= 0) {
        position = newline + 1;
        offset = bufferStart + position;
        return takePending();
      }
      position = limit;
    }
  }

  /**
   * The number of bytes of the stream that the lines returned so far occupy, terminators
   * included (for a last line without a terminator: up to the end of the stream); 0 before the
   * first line. Reading the stream from this offset yields the lines not returned yet.
   */
  long offset() {
    return offset;
  }

  /** Whether the line last returned by {@link #readLine()} was longer than maxLineBytes. */
  boolean lastLineCut() {
    return lastLineCut;
  }

  /**
   * The length in bytes of the line last returned by {@link #readLine()} before any cut, without
   * its terminator ({@code '\n'} or {@code "\r\n"}); 0 before the first line.
   */
  long lastLineLength() {
    return lastLineLength;
  }

  /**
   * The most bytes this reader has held at once for a line spanning buffer refills (the capacity
   * its line buffer reached), besides its read buffer of fixed size: never more than
   * {@code maxLineBytes + 1}, however long the lines. A line that fits in the read buffer is
   * copied straight from it and does not count.
   */
  int peakLineBufferBytes() {
    return peakLineBufferBytes;
  }

  /** Reads the next chunk; returns false (and remembers it) at the end of the stream. */
  private boolean fill() throws IOException {
    int read;
    do {
      read = in.read(buffer, 0, buffer.length);
    } while (read == 0);
    if (read < 0) {
      endOfStream = true;
      return false;
    }
    bufferStart += limit;
    position = 0;
    limit = read;
    return true;
  }

  private int indexOfLf(int from, int to) {
    for (int i = from; i < to; i++) {
      if (buffer[i] == LF) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Adds {@code buffer[from, to)} to the line in progress: stores what fits in its first
   * {@code maxLineBytes + 1} bytes, counts the rest.
   */
  private void appendToPending(int from, int to) {
    int length = to - from;
    if (length == 0) {
      return;
    }
    int room = maxLineBytes + 1 - partialLength;
    int stored = Math.min(length, room);
    if (stored > 0) {
      if (partialLength + stored > partial.length) {
        long doubled = Math.max(256L, 2L * partial.length);
        int capacity = (int) Math.min(maxLineBytes + 1L,
            Math.max(partialLength + stored, doubled));
        partial = Arrays.copyOf(partial, capacity);
        peakLineBufferBytes = Math.max(peakLineBufferBytes, capacity);
      }
      System.arraycopy(buffer, from, partial, partialLength, stored);
      partialLength += stored;
    }
    pendingLength += length;
    pendingLast = buffer[to - 1];
  }

  /** Completes the line in progress and resets it. */
  private byte[] takePending() {
    long length = pendingLast == CR ? pendingLength - 1 : pendingLength;
    byte[] line = Arrays.copyOf(partial, (int) Math.min(length, maxLineBytes));
    partialLength = 0;
    pendingLength = 0;
    pendingLast = 0;
    if (partial.length > DEFAULT_BUFFER_SIZE) {
      partial = EMPTY; // do not pin the memory of one huge line
    }
    return finish(length, line);
  }

  private byte[] finish(long length, byte[] line) {
    lastLineLength = length;
    lastLineCut = length > maxLineBytes;
    return line;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
