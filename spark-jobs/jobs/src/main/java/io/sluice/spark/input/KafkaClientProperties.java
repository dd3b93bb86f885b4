package io.sluice.spark.input;

import io.sluice.spark.job.AnalyticsJobConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How the job's Kafka clients reach a secured broker: the settings of {@code --kafka-properties
 * FILE}, applied to the direct reader of {@code --source kafka} (the driver's consumer and every
 * executor's) and to the producer of {@code --alerts-topic}. Without the option the clients use
 * Kafka's defaults (PLAINTEXT), exactly as before it existed.
 *
 * <p>The file is a Java properties file (UTF-8) of Kafka client <b>security settings</b>:
 * {@code security.protocol}, {@code ssl.*} and {@code sasl.*} as kafka-clients 2.0 (Spark 2.4's)
 * defines them. The job sets its clients' other settings itself from its options
 * ({@code bootstrap.servers}, {@code group.id}, offsets, serializers, {@code acks}), so any other
 * key fails. For {@code bin/sluice kafka --tls --scram-user sluice --scram-password-file
 * /etc/sluice/kafka-password} with its data under {@code /var/lib/sluice/kafka}:
 *
 * <pre>
 * security.protocol=SASL_SSL
 * ssl.truststore.type=PKCS12
 * ssl.truststore.location=/var/lib/sluice/kafka/tls/truststore.p12
 * ssl.truststore.password=${dir:/var/lib/sluice/kafka/tls:truststore.password}
 * sasl.mechanism=SCRAM-SHA-512
 * sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
 *     username="sluice" password="${dir:/etc/sluice:kafka-password}";
 * </pre>
 *
 * <p>kafka-clients 2.0 reads no PEM truststore ({@code ssl.truststore.type=PEM} came with Kafka
 * 2.7): use the broker's {@code truststore.p12}, or any PKCS12 or JKS truststore. On
 * {@code SASL_SSL} it checks the broker's certificate against the <em>name</em> the broker's
 * address resolves back to ({@code SaslChannelBuilder} takes {@code InetAddress.getHostName()}),
 * not against the address: a broker advertised as {@code 127.0.0.1} must present a certificate
 * for {@code localhost}, else the handshake fails ({@code SslAuthenticationException}, "No name
 * matching localhost found"). Give brokers by host name ({@code bin/sluice kafka --advertise
 * localhost}, whose generated certificate then names it); {@link #addressCaveats} says so at start.
 *
 * <p><b>Secrets are never written in the file.</b> The value of every {@code PASSWORD} setting
 * ({@code ssl.truststore.password}, {@code ssl.keystore.password}, {@code ssl.key.password}, and
 * each {@code password} option of {@code sasl.jaas.config}) must be a reference in the syntax of
 * Kafka's config providers, resolved by Sluice ({@link KafkaConfigReferences}):
 * {@code ${file:PATH:KEY}} (a key of a properties file), {@code ${dir:DIR:FILE}} (a whole file,
 * trailing line breaks dropped: the password files of {@code bin/sluice kafka}) or
 * {@code ${env:VAR}}. Text substituted into {@code sasl.jaas.config} is quoted for JAAS: write the
 * reference inside the double quotes. {@code config.providers} declarations of those three
 * providers with Kafka's own classes are accepted (a file written for newer clients works) and
 * are not passed on. Other settings may use references too; they are resolved once, at start.
 *
 * <p><b>At start</b> everything is checked and a failure names the key: unknown or job-owned keys,
 * a literal password, a reference that does not resolve (missing file, key or variable), a bad
 * value (Kafka's own {@code ConfigDef} checks), a {@code security.protocol} Kafka does not know,
 * a truststore or keystore that cannot be opened with its type and password.
 *
 * <p><b>Restarts and rotation.</b> Spark keeps the direct stream's consumer settings and the alerts
 * publisher in the checkpoint, and a restarted job runs with those, not with its command line. So
 * the <em>settings</em> of the file are part of {@link AnalyticsJobConfig#checkpointedSettings()}
 * (a restart with other settings is refused, instead of silently connecting with the old ones),
 * while the <em>secrets</em> they refer to are not: they are resolved whenever a client is
 * created, in the JVM creating it, and are never serialized ({@link KafkaSecret}). To rotate a
 * password, change the file or variable its reference names and restart the job on its
 * checkpoint. The path of {@code FILE} itself is not checkpointed (a copy elsewhere with the same
 * content will do). Referenced files and variables must exist on every host running an executor,
 * like the truststore itself.
 */
public final class KafkaClientProperties implements Serializable {

  private static final long serialVersionUID = 1L;

  /** No settings: Kafka's defaults. */
  public static final KafkaClientProperties NONE = new KafkaClientProperties(new TreeMap<>(), new TreeMap<>());

  /** The security settings both kafka-clients 2.0 consumers and producers define. */
  private static final Set<String> ALLOWED = allowedKeys();
  /** {@code ssl.*} and {@code sasl.*} as kafka-clients 2.0 declares them (types and validators). */
  private static final ConfigDef SECURITY_DEF = securityDef();
  /** Job-owned keys that users reach for, and the option that sets each. */
  private static final Map<String, String> JOB_OPTIONS = Map.of(
      CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "--kafka-bootstrap / --alerts-bootstrap",
      ConsumerConfig.GROUP_ID_CONFIG, "--kafka-group-id",
      ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "--kafka-starting-offsets");
  /** Kafka's classes for the providers Sluice resolves itself. */
  private static final Map<String, String> PROVIDER_CLASSES = Map.of(
      "file", "org.apache.kafka.common.config.provider.FileConfigProvider",
      "dir", "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
      "env", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
  private static final String PROVIDERS_KEY = "config.providers";
  private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  /** A {@code password} option of a JAAS login module and its value, quoted or not. */
  private static final Pattern JAAS_PASSWORD = Pattern.compile("(?<![\\w.-])password\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s;\"]+)");

  /** Settings without secrets, references resolved. */
  private final TreeMap<String, String> settings;
  /** {@code PASSWORD} settings as written, references unresolved. */
  private final TreeMap<String, String> secrets;

  private KafkaClientProperties(TreeMap<String, String> settings, TreeMap<String, String> secrets) {
    this.settings = settings;
    this.secrets = secrets;
  }

  /**
   * Reads and checks {@code file}, resolving every reference once to check it.
   *
   * @throws IllegalArgumentException naming the file's problem and its key (never a secret)
   */
  public static KafkaClientProperties load(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read it: " + e);
    }
    TreeMap<String, String> settings = new TreeMap<>();
    TreeMap<String, String> secrets = new TreeMap<>();
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      String value = p.getProperty(key).trim();
      if (key.equals(PROVIDERS_KEY) || key.startsWith(PROVIDERS_KEY + ".")) {
        checkProviderDeclaration(key, value);
      } else if (!ALLOWED.contains(key)) {
        String option = JOB_OPTIONS.get(key);
        throw new IllegalArgumentException(key + ": " + (option != null ? "the job sets it from " + option
            : "not a Kafka client security setting; the file holds security.protocol, ssl.* and sasl.* "
                + "settings only (kafka-clients 2.0)"));
      } else if (isPassword(key)) {
        checkNoLiteralPassword(key, value);
        try {
          new KafkaSecret(value, isJaas(key));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
        secrets.put(key, value);
      } else {
        try {
          settings.put(key, KafkaConfigReferences.hasReferences(value) ? KafkaConfigReferences.resolve(value, false) : value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
      }
    }
    KafkaClientProperties properties = new KafkaClientProperties(settings, secrets);
    properties.check();
    return properties;
  }

  /** Whether there are no settings (no {@code --kafka-properties}). */
  public boolean isEmpty() {
    return settings.isEmpty() && secrets.isEmpty();
  }

  /**
   * The settings to add to a Kafka consumer's or producer's configuration: strings, and a
   * {@link KafkaSecret} for each {@code PASSWORD} setting, resolved now.
   *
   * @throws IllegalArgumentException when a reference no longer resolves
   */
  public Map<String, Object> clientSettings() {
    Map<String, Object> m = new HashMap<>(settings);
    secrets.forEach((key, template) -> m.put(key, new KafkaSecret(template, isJaas(key))));
    return m;
  }

  /**
   * The settings as the checkpoint fixes them: every key with its value, {@code PASSWORD} values
   * with their references unresolved (no secret), sorted by key.
   */
  public String describe() {
    TreeMap<String, String> all = new TreeMap<>(settings);
    all.putAll(secrets);
    return all.toString();
  }

  /**
   * Warnings for the brokers of {@code bootstrap} ({@code host:port,...}) given by IP address when
   * these settings make kafka-clients 2.0 verify a SASL_SSL certificate against the address's
   * reverse-DNS name (see the class comment); empty otherwise.
   */
  public List<String> addressCaveats(String bootstrap) {
    String protocol = settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "");
    String identification = settings.getOrDefault(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
    if (!protocol.equalsIgnoreCase(SecurityProtocol.SASL_SSL.name) || identification.isEmpty()) {
      return List.of();
    }
    List<String> caveats = new ArrayList<>();
    for (String hostPort : bootstrap.split(",")) {
      String host = hostPort.trim().replaceFirst(":\\d+$", "");
      if (IP_ADDRESS.matcher(host).matches() || host.startsWith("[")) {
        caveats.add("Kafka broker " + hostPort.trim() + " is given by address: on SASL_SSL, kafka-clients 2.0 checks "
            + "its certificate against the name " + host + " resolves back to (localhost for 127.0.0.1), so the "
            + "certificate must name that; give brokers by host name if the handshake fails with 'No name matching'");
      }
    }
    return caveats;
  }

  @Override
  public String toString() {
    return "KafkaClientProperties" + describe();
  }

  // ------------------------------------------------------------------ checks

  private void check() {
    String protocol = settings.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
    if (protocol != null && !SecurityProtocol.names().contains(protocol.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG + ": " + protocol
          + " is not one of " + SecurityProtocol.names());
    }
    Map<String, Object> values = new HashMap<>(settings);
    values.putAll(secrets);
    values.keySet().retainAll(SECURITY_DEF.names());
    try {
      SECURITY_DEF.parse(values);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    checkStore("truststore", SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, SslConfigs.DEFAULT_SSL_TRUSTSTORE_TYPE);
    checkStore("keystore", SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
        SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, SslConfigs.DEFAULT_SSL_KEYSTORE_TYPE);
  }

  /** Opens the store as kafka-clients 2.0 does ({@code KeyStore.getInstance(type).load(in, password)}). */
  private void checkStore(String what, String locationKey, String typeKey, String passwordKey, String defaultType) {
    String location = settings.get(locationKey);
    if (location == null) {
      return;
    }
    String type = settings.getOrDefault(typeKey, defaultType);
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(typeKey + ": " + type + " is not a " + what + " type of this JVM"
          + ("PEM".equalsIgnoreCase(type) ? " (kafka-clients 2.0 reads no PEM: that came with Kafka 2.7; use a PKCS12 "
              + what + ", such as the truststore.p12 bin/sluice kafka writes)" : " (use PKCS12 or JKS)"));
    }
    String template = secrets.get(passwordKey);
    char[] password = template == null ? null : new KafkaSecret(template, false).value().toCharArray();
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(locationKey + ": cannot open " + location + " as " + type + " with "
          + (password == null ? "no " + passwordKey : passwordKey) + " (" + e.getMessage() + ")");
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
    try {
      if (store.size() == 0) {
        throw new IllegalArgumentException(locationKey + ": " + location + " holds no entry"
            + (password == null ? " readable without " + passwordKey : ""));
      }
    } catch (java.security.KeyStoreException e) {
      throw new IllegalArgumentException(locationKey + ": cannot read " + location + " (" + e.getMessage() + ")");
    }
  }

  private static void checkNoLiteralPassword(String key, String value) {
    String hint = " must come from a file or the environment: write a ${file:PATH:KEY}, ${dir:DIR:FILE} or ${env:VAR} "
        + "reference, never the password itself";
    if (isJaas(key)) {
      Matcher m = JAAS_PASSWORD.matcher(value);
      while (m.find()) {
        if (!KafkaConfigReferences.hasReferences(m.group(1))) {
          throw new IllegalArgumentException(key + ": its password option" + hint);
        }
      }
    } else if (!KafkaConfigReferences.hasReferences(value)) {
      throw new IllegalArgumentException(key + hint);
    }
  }

  private static void checkProviderDeclaration(String key, String value) {
    String unsupported = key + ": Sluice resolves ${file:...}, ${dir:...} and ${env:...} itself (kafka-clients 2.0 "
        + "has no client-side config providers); it accepts only their declarations with Kafka's own classes";
    if (key.equals(PROVIDERS_KEY)) {
      for (String name : value.split(",")) {
        if (!PROVIDER_CLASSES.containsKey(name.trim())) {
          throw new IllegalArgumentException(unsupported);
        }
      }
      return;
    }
    String rest = key.substring(PROVIDERS_KEY.length() + 1);
    int dot = rest.indexOf('.');
    String name = dot < 0 ? rest : rest.substring(0, dot);
    if (!rest.equals(name + ".class") || !value.equals(PROVIDER_CLASSES.get(name))) {
      throw new IllegalArgumentException(unsupported);
    }
  }

  private static boolean isPassword(String key) {
    ConfigDef.ConfigKey k = SECURITY_DEF.configKeys().get(key);
    return k != null && k.type == ConfigDef.Type.PASSWORD;
  }

  private static boolean isJaas(String key) {
    return key.equals(SaslConfigs.SASL_JAAS_CONFIG);
  }

  private static Set<String> allowedKeys() {
    Set<String> keys = new TreeSet<>(ConsumerConfig.configNames());
    keys.retainAll(ProducerConfig.configNames());
    keys.removeIf(k -> !(k.startsWith("ssl.") || k.startsWith("sasl.") || k.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)));
    return Collections.unmodifiableSet(keys);
  }

  private static ConfigDef securityDef() {
    ConfigDef def = new ConfigDef();
    SslConfigs.addClientSslSupport(def);
    SaslConfigs.addClientSaslSupport(def);
    return def;
  }
}
