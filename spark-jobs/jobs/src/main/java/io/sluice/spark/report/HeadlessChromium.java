package io.sluice.spark.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a headless Chromium on a local HTML file: a PNG screenshot, or the DOM after the page's
 * scripts ran. Each run gets a new empty profile directory (deleted afterwards), no network
 * services, no sandbox (so it runs as root, e.g. in CI containers) and no GPU. A run that does not
 * finish within the timeout is killed with its child processes.
 */
public final class HeadlessChromium {

  /** Browser executables looked up on the {@code PATH}, in this order. */
  public static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  /** Virtual time the page gets to run its scripts before the screenshot or DOM dump, in ms. */
  private static final int VIRTUAL_TIME_BUDGET_MS = 10_000;

  private final Path executable;

  private HeadlessChromium(Path executable) {
    this.executable = executable;
  }

  /** The first of {@link #NAMES} found on the {@code PATH}. */
  public static Optional<HeadlessChromium> find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String name : NAMES) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Paths.get(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(new HeadlessChromium(p));
        }
      }
    }
    return Optional.empty();
  }

  public Path executable() {
    return executable;
  }

  /** Renders {@code html} at {@code width} x {@code height} CSS pixels into the PNG {@code png}. */
  public void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    run(html, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
        "--hide-scrollbars"));
    if (!Files.exists(png) || Files.size(png) == 0) {
      throw new IOException(executable + " wrote no screenshot " + png);
    }
  }

  /** The DOM of {@code html} after its scripts ran, serialized. */
  public String dumpDom(Path html) throws IOException, InterruptedException {
    return run(html, List.of("--dump-dom", "--window-size=1280,2400"));
  }

  private String run(Path html, List<String> action) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("sluice-chromium-");
    Path output = Files.createTempFile("sluice-chromium-", ".out");
    List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
    cmd.addAll(action);
    cmd.add(html.toAbsolutePath().toUri().toString());
    Process p = new ProcessBuilder(cmd).redirectOutput(output.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IOException(executable + " did not finish within " + TIMEOUT.toSeconds() + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(executable + " exited " + p.exitValue());
      }
      return new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(output);
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temporary profile is harmless
    }
  }
}
