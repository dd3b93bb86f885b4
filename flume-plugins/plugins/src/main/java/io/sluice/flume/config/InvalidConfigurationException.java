package io.sluice.flume.config;

import org.apache.flume.FlumeException;

/**
 * A component's configuration is invalid: a key has a bad or missing value, or is unknown. Thrown
 * from {@code configure(Context)} so that Flume does not start the component; the message names
 * the component, the key and the reason, e.g.
 * {@code dedup-interceptor: Invalid value 0 for configuration maxEntries: Value must be at least 1}.
 */
public class InvalidConfigurationException extends FlumeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the key
   * @param cause the validation error, may be null
   */
  public InvalidConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
