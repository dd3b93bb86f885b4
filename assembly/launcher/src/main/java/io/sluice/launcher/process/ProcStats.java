package io.sluice.launcher.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident set size and CPU time of a process, as Linux reports them in {@code /proc/PID}:
 * {@code VmHWM} of {@code /proc/PID/status} (the high-water mark of the resident set) and
 * {@code utime + stime} of {@code /proc/PID/stat} (user and system CPU time in clock ticks, taken
 * as 100 per second: {@code getconf CLK_TCK} on Linux).
 *
 * @param peakRssBytes peak resident set size in bytes
 * @param cpuSeconds user plus system CPU time in seconds
 */
public record ProcStats(long peakRssBytes, double cpuSeconds) {

  /** Clock ticks per second of {@code /proc/PID/stat} times ({@code USER_HZ}, 100 on Linux). */
  static final double CLOCK_TICKS_PER_SECOND = 100;

  /** The process's figures now, or null when {@code /proc/PID} cannot be read (gone, not Linux). */
  public static ProcStats read(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      return new ProcStats(peakRssBytes(Files.readString(proc.resolve("status"), StandardCharsets.UTF_8)),
          cpuSeconds(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code VmHWM} of a {@code /proc/PID/status} text ({@code "VmHWM:\t  123456 kB"}), in bytes.
   *
   * @throws IllegalArgumentException when the text has no {@code VmHWM} line in kB
   */
  static long peakRssBytes(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          return Long.parseLong(parts[0]) * 1024;
        }
        throw new IllegalArgumentException("unexpected VmHWM line: " + line);
      }
    }
    throw new IllegalArgumentException("no VmHWM line in /proc/PID/status");
  }

  /**
   * {@code (utime + stime) / 100} of a {@code /proc/PID/stat} line, in seconds. The command name,
   * field 2, is in parentheses and may hold spaces and parentheses itself, so fields are counted
   * from the last {@code ')'}: utime and stime are fields 14 and 15.
   *
   * @throws IllegalArgumentException when the line is not a stat line
   */
  static double cpuSeconds(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
    }
    // After ")": field 3 (state) first, so field n is at index n - 3.
    String[] fields = stat.substring(close + 1).trim().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/PID/stat: " + stat);
    }
    long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    return ticks / CLOCK_TICKS_PER_SECOND;
  }
}
