package io.sluice.launcher;

/** A part of the pipeline failed to start or to finish; the message says which and where its log is. */
public final class LaunchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }
}
