package io.sluice.launcher.kafka;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * How a single-node broker secures its client listener: not at all ({@code PLAINTEXT}, the
 * default), TLS only ({@code SSL}), or TLS with SASL/SCRAM-SHA-512 authentication
 * ({@code SASL_SSL}). The KRaft controller listener stays PLAINTEXT; with TLS it binds
 * {@code 127.0.0.1} only.
 *
 * <p>Secrets never appear here nor in {@code server.properties}: passwords are read from files
 * ({@link KafkaSecurityFiles} keeps the broker's own under {@code DATA/tls}, mode 0600, and
 * {@code server.properties} refers to them through Kafka's {@code FileConfigProvider}).
 *
 * @param tls whether the client listener speaks TLS (default false)
 * @param keystore PKCS12 or JKS keystore holding the broker's private key and certificate chain (its key
 *     password must be the store password); null (default): a self-signed EC P-256 certificate for
 *     the advertised address, valid 3,650 days, generated with {@code keytool} at the first TLS start
 *     into {@code DATA/tls/keystore.p12}
 * @param keystorePasswordFile file holding the password of {@code keystore} (trailing line breaks
 *     are ignored); required with {@code keystore}, else null
 * @param scramUser user clients authenticate as with SCRAM-SHA-512 (letters, digits, {@code . _ -});
 *     null (default): no SASL. Needs {@code tls}. The credential is created, or updated to the
 *     password file's current content, at every start
 * @param scramPasswordFile file holding {@code scramUser}'s password (trailing line breaks are
 *     ignored); required with {@code scramUser}, else null
 */
public record KafkaSecurity(boolean tls, Path keystore, Path keystorePasswordFile, String scramUser,
    Path scramPasswordFile) {

  /** No TLS, no SASL: a PLAINTEXT client listener. */
  public static final KafkaSecurity NONE = new KafkaSecurity(false, null, null, null, null);

  /** The SASL mechanism of a SCRAM-enabled listener. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  /** The user the broker authenticates as to its own SASL_SSL listener (and the launcher's admin client). */
  public static final String BROKER_USER = "sluice-broker";

  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public KafkaSecurity {
    if (keystore != null && !tls) {
      throw new IllegalArgumentException("--tls-keystore needs --tls");
    }
    if ((keystore == null) != (keystorePasswordFile == null)) {
      throw new IllegalArgumentException("--tls-keystore and --tls-keystore-password-file go together");
    }
    if (scramUser != null) {
      if (!tls) {
        throw new IllegalArgumentException("--scram-user needs --tls (SCRAM over PLAINTEXT would leave the data readable)");
      }
      if (!USER.matcher(scramUser).matches()) {
        throw new IllegalArgumentException("--scram-user " + scramUser + ": use 1-64 letters, digits, '.', '_' or '-'");
      }
      if (scramUser.equals(BROKER_USER)) {
        throw new IllegalArgumentException("--scram-user " + BROKER_USER + " is the broker's own user");
      }
    }
    if ((scramUser == null) != (scramPasswordFile == null)) {
      throw new IllegalArgumentException("--scram-user and --scram-password-file go together");
    }
    keystore = keystore == null ? null : keystore.toAbsolutePath().normalize();
  }

  /** Whether clients authenticate with SASL/SCRAM-SHA-512. */
  public boolean scram() {
    return scramUser != null;
  }

  /** The client listener's security protocol: {@code PLAINTEXT}, {@code SSL} or {@code SASL_SSL}. */
  public String protocol() {
    return !tls ? "PLAINTEXT" : scram() ? "SASL_SSL" : "SSL";
  }
}
