package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks CI can make of the Vagrant lab without a hypervisor: {@code vagrant validate} (Debian's
 * vagrant package) of the Vagrantfile, and shellcheck of every shell script of the repository (the
 * lab's role scripts, the simulation, bin/sluice, conf/flume-env.sh, the build helpers).
 */
class LabScriptsIT {

  private static final Path REPO = Path.of(System.getProperty("sluice.repo")).toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  @Test
  void everyShellScriptPassesShellcheck() throws Exception {
    Commands.ensureDebianPackages(REPO, "shellcheck");
    List<Path> scripts = shellScripts();
    assertThat(scripts).as("scripts found").contains(
        REPO.resolve("vagrant/provision.sh"), REPO.resolve("vagrant/lib/common.sh"),
        REPO.resolve("vagrant/roles/kafka.sh"), REPO.resolve("vagrant/roles/flume.sh"),
        REPO.resolve("vagrant/roles/spark.sh"), REPO.resolve("vagrant/roles/hdfs.sh"),
        REPO.resolve("vagrant/sim/lab-sim.sh"), REPO.resolve("vagrant/sim/systemctl"),
        REPO.resolve("assembly/src/bin/sluice"), REPO.resolve("assembly/src/conf/flume-env.sh"),
        REPO.resolve("assembly/support/ensure-debian-packages.sh"), REPO.resolve("sluice"));
    List<String> cmd = new ArrayList<>(List.of("shellcheck", "--external-sources", "--format=gcc"));
    scripts.forEach(s -> cmd.add(s.toString()));
    Commands.Result r = Commands.run(Duration.ofMinutes(2), REPO, Map.of(), cmd);
    assertThat(r.exitCode()).as("shellcheck findings:%n%s", r.output()).isZero();
  }

  @Test
  void vagrantValidatesTheLabsVagrantfile() throws Exception {
    Commands.ensureDebianPackages(REPO, "vagrant");
    Commands.Result r = Commands.run(Duration.ofMinutes(2), REPO.resolve("vagrant"),
        // Vagrant's state (boxes, the .vagrant directory) goes to a temporary directory, not the repository.
        Map.of("VAGRANT_HOME", tmp.resolve("vagrant.d").toString(), "VAGRANT_DOTFILE_PATH", tmp.resolve("dot-vagrant").toString(),
            "VAGRANT_CHECKPOINT_DISABLE", "1"),
        // No hypervisor here: validate everything but the provider blocks.
        List.of("vagrant", "validate", "--ignore-provider"));
    assertThat(r.exitCode()).as("vagrant validate:%n%s", r.output()).isZero();
    assertThat(r.output()).contains("Vagrantfile validated successfully")
        .contains("hdfs:", "kafka:", "flume:", "spark:");
  }

  /** *.sh files, files starting with a bash shebang, and files declaring "# shellcheck shell=bash". */
  private static List<Path> shellScripts() throws IOException {
    List<Path> scripts = new ArrayList<>();
    for (Path dir : List.of(REPO.resolve("vagrant"), REPO.resolve("assembly/src"), REPO.resolve("assembly/support"))) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.vagrant/")).sorted().toList()) {
          if (isShellScript(f)) {
            scripts.add(f);
          }
        }
      }
    }
    scripts.add(REPO.resolve("sluice"));
    return scripts;
  }

  private static boolean isShellScript(Path f) throws IOException {
    if (f.getFileName().toString().endsWith(".sh")) {
      return true;
    }
    if (Files.size(f) > 1_000_000) {
      return false;
    }
    String first = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
    return first.startsWith("#!/usr/bin/env bash") || first.startsWith("#!/bin/bash") || first.startsWith("#!/bin/sh")
        || first.startsWith("# shellcheck shell=");
  }
}
