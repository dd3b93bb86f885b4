package io.sluice.flume.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code '\n'} without decoding it.
 *
 * <p>A line is the bytes between two {@code '\n'} (or between the start of the stream and the
 * first one) with at most one trailing {@code '\r'} removed, so CRLF files yield the same lines as
 * LF files. Every {@code '\n'} ends a line, so empty lines are returned as empty arrays; bytes
 * after the last {@code '\n'} form one more line; a stream ending in {@code '\n'} has no extra
 * empty line. The line count therefore equals {@code wc -l}, plus one when the last line has no
 * terminator. Bytes are never decoded: invalid UTF-8 passes through unchanged.
 *
 * <p>{@link #offset()} tells how many bytes of the stream the lines returned so far took, their
 * terminators included: the position to resume at after the last of them.
 *
 * <p>A line is held in memory whole, however long it is. If the underlying stream throws, the
 * reader's state is unchanged and {@link #readLine()} may be called again. Not thread-safe.
 */
final class LineReader implements Closeable {

  static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
  private static final byte LF = '\n';
  private static final byte CR = '\r';
  private static final byte[] EMPTY = new byte[0];

  private final InputStream in;
  private final byte[] buffer;
  private int position;
  private int limit;
  private boolean endOfStream;
  /** Offset in the stream of {@code buffer[0]}. */
  private long bufferStart;
  /** Offset in the stream just after the last line returned (and its terminator). */
  private long offset;
  /** Bytes of a line that spans buffer refills; {@code partialLength} of them are valid. */
  private byte[] partial = EMPTY;
  private int partialLength;

  LineReader(InputStream in) {
    this(in, DEFAULT_BUFFER_SIZE);
  }

  LineReader(InputStream in, int bufferSize) {
    if (bufferSize <= 0) {
      throw new IllegalArgumentException("bufferSize must be > 0, got " + bufferSize);
    }
    this.in = in;
    this.buffer = new byte[bufferSize];
  }

  /**
   * Returns the next line, without its terminator.
   *
   * @return the line's bytes (possibly empty), or {@code null} at the end of the stream
   * @throws IOException if the stream cannot be read
   */
  byte[] readLine() throws IOException {
    while (true) {
      if (position == limit) {
        if (endOfStream || !fill()) {
          if (partialLength == 0) {
            return null;
          }
          offset = bufferStart + limit;
          return takePartial(EMPTY, 0, 0);
        }
      }
      int newline = indexOfLf(position, limit);
      if (newline >= 0) {
        int start = position;
        position = newline + 1;
        offset = bufferStart + position;
        return partialLength == 0
            ? copyWithoutCr(buffer, start, newline)
            : takePartial(buffer, start, newline);
      }
      appendToPartial(position, limit);
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

  private void appendToPartial(int from, int to) {
    int length = to - from;
    if (partialLength + length > partial.length) {
      int capacity = Math.max(partialLength + length, Math.max(256, partial.length * 2));
      partial = Arrays.copyOf(partial, capacity);
    }
    System.arraycopy(buffer, from, partial, partialLength, length);
    partialLength += length;
  }

  /** Completes the pending partial line with {@code source[from, to)} and resets it. */
  private byte[] takePartial(byte[] source, int from, int to) {
    int tail = to - from;
    byte[] joined = Arrays.copyOf(partial, partialLength + tail);
    System.arraycopy(source, from, joined, partialLength, tail);
    partialLength = 0;
    if (partial.length > DEFAULT_BUFFER_SIZE) {
      partial = EMPTY; // do not pin the memory of one huge line
    }
    int length = joined.length;
    return length > 0 && joined[length - 1] == CR ? Arrays.copyOf(joined, length - 1) : joined;
  }

  private static byte[] copyWithoutCr(byte[] source, int from, int to) {
    int end = to > from && source[to - 1] == CR ? to - 1 : to;
    return Arrays.copyOfRange(source, from, end);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
