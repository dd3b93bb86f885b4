package io.sluice.flume.config;

import org.apache.flume.conf.ConfigurationException;

/**
 * A component's configuration is invalid: a key has a bad or missing value, or is unknown. Thrown
 * from {@code configure(Context)} by every Sluice source, interceptor and service, so that Flume
 * does not start the component; a Flume {@link ConfigurationException}. The message names the
 * component and the key, then the reason (format of {@link ComponentConfig#invalid}), e.g.
 * {@code dedup-interceptor: Key 'maxEntries': Invalid value 0 for configuration maxEntries: Value
 * must be at least 1}.
 */
public class InvalidConfigurationException extends ConfigurationException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the component and the key
   * @param cause the validation error, may be null
   */
  public InvalidConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
