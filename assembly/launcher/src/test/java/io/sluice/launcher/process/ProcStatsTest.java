package io.sluice.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  /** A real /proc/PID/status of a JVM, shortened. */
  private static final String STATUS = String.join("\n",
      "Name:\tjava",
      "Umask:\t0022",
      "State:\tS (sleeping)",
      "Pid:\t12688",
      "VmPeak:\t 4512340 kB",
      "VmSize:\t 4447828 kB",
      "VmHWM:\t  221636 kB",
      "VmRSS:\t  219876 kB",
      "Threads:\t42",
      "");

  @Test
  void peakRssIsVmHwmInBytes() {
    assertThat(ProcStats.peakRssBytes(STATUS)).isEqualTo(221_636L * 1024);
  }

  @Test
  void peakRssRefusesATextWithoutVmHwm() {
    assertThatThrownBy(() -> ProcStats.peakRssBytes("Name:\tkthreadd\nVmRSS:\t 1 kB\n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VmHWM");
    assertThatThrownBy(() -> ProcStats.peakRssBytes("VmHWM:\t 12 MB\n")).hasMessageContaining("unexpected VmHWM");
  }

  @Test
  void cpuSecondsAreUtimePlusStimeInHundredths() {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    String stat = "12688 (java) S 12600 12688 12600 0 -1 1077936384 51234 0 12 0 731 412 3 1 20 0 42 0 123 "
        + "4554575872 54969 18446744073709551615 1 1 0 0 0 0 0 0 16800975 0 0 0 17 1 0 0 0 0 0\n";
    assertThat(ProcStats.cpuSeconds(stat)).isCloseTo(11.43, within(1e-9));
  }

  @Test
  void cpuSecondsCountFieldsFromTheLastParenthesisOfTheCommandName() {
    String stat = "77 (a (weird) name) R 1 77 77 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 9 0 0";
    assertThat(ProcStats.cpuSeconds(stat)).isCloseTo(3.0, within(1e-9));
  }

  @Test
  void cpuSecondsRefuseWhatIsNotAStatLine() {
    assertThatThrownBy(() -> ProcStats.cpuSeconds("no parenthesis here")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProcStats.cpuSeconds("1 (x) S 1 2")).hasMessageContaining("too few fields");
  }

  @Test
  void readsThisJvmsOwnFiguresOnLinux() {
    ProcStats self = ProcStats.read(ProcessHandle.current().pid());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(self).isNotNull();
      assertThat(self.peakRssBytes()).isGreaterThan(1024 * 1024);
      assertThat(self.cpuSeconds()).isGreaterThan(0);
    }
    assertThat(ProcStats.read(Long.MAX_VALUE)).as("no such process").isNull();
  }
}
