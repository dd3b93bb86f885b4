package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** The distribution tarball ({@code sluice-VERSION-bin.tar.gz}, built by {@code mvn package}), unpacked for a test. */
final class Distribution {

  private Distribution() {}

  /** Unpacks the tarball into the empty directory {@code into}; returns its one top directory, the Sluice home. */
  static Path unpack(Path into) throws Exception {
    Path tarball = Path.of(System.getProperty("sluice.tarball"));
    assertThat(tarball).as("the distribution tarball (mvn package builds it)").isRegularFile();
    try (Stream<Path> before = Files.list(into)) {
      assertThat(before).as("unpacked into an empty directory").isEmpty();
    }
    Commands.Result tar = Commands.run(Duration.ofMinutes(3), into, "tar", "-xzf", tarball.toString());
    assertThat(tar.exitCode()).as("tar -xzf %s: %s", tarball, tar.output()).isZero();
    try (Stream<Path> top = Files.list(into)) {
      assertThat(top.map(p -> p.getFileName().toString()).toList()).as("one top directory")
          .containsExactly("sluice-" + System.getProperty("sluice.version"));
    }
    return into.resolve("sluice-" + System.getProperty("sluice.version"));
  }
}
