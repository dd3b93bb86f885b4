package io.sluice.launcher.process;

import java.nio.file.Path;

/** The JVM that child processes run on: the one running the launcher (JDK 17, see README). */
public final class Jvm {

  private Jvm() {}

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
