package io.sluice.launcher.kafka;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.process.ManagedProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files of a broker whose client listener uses TLS, under {@code DATA/tls} (mode 0700):
 *
 * <pre>
 * broker-secrets.properties  mode 0600: keystore.password, and with SCRAM broker.password (the
 *                            password of the broker's own user {@value KafkaSecurity#BROKER_USER});
 *                            server.properties refers to them, never copies them
 * keystore.p12               the broker's key and self-signed certificate, generated with keytool at
 *                            the first TLS start (unless a keystore is given)
 * ca.pem                     the certificate clients trust (the last of the keystore's chain), PEM:
 *                            ssl.truststore.type=PEM for Kafka clients 2.7 and later
 * truststore.p12             the same certificate as a PKCS12 truststore for older clients (Spark
 *                            2.4's kafka-clients 2.0), its password in truststore.password
 * </pre>
 *
 * <p>A generated certificate names the advertised address (subject alternative name {@code ip:}
 * or {@code dns:}; a loopback address also {@code localhost}): a later start advertising another address fails, naming the directory to delete
 * for a new certificate, instead of starting a broker clients cannot verify.
 */
public final class KafkaSecurityFiles {

  /** Key of the keystore password in {@link #secrets()}. */
  static final String KEYSTORE_PASSWORD = "keystore.password";
  /** Key of the broker user's SCRAM password in {@link #secrets()}. */
  static final String BROKER_PASSWORD = "broker.password";

  /** Validity of a generated certificate, in days. */
  public static final int CERTIFICATE_VALIDITY_DAYS = 3650;

  private static final String ALIAS = "sluice-kafka";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KafkaSettings settings;
  private final Path dir;

  KafkaSecurityFiles(KafkaSettings settings) {
    this.settings = settings;
    this.dir = settings.dataDir().resolve("tls");
  }

  /** {@code DATA/tls}. */
  public Path dir() {
    return dir;
  }

  /** The broker's secrets, mode 0600. */
  public Path secrets() {
    return dir.resolve("broker-secrets.properties");
  }

  /** The broker's keystore: the given one, or {@code DATA/tls/keystore.p12}. */
  public Path keystore() {
    return settings.security().keystore() != null ? settings.security().keystore() : dir.resolve("keystore.p12");
  }

  /** The certificate clients trust, PEM ({@code ssl.truststore.type=PEM}). */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** The same certificate in a PKCS12 truststore ({@code ssl.truststore.type=PKCS12}). */
  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** The password of {@link #truststore()} (not a secret: the truststore holds a public certificate). */
  public Path truststorePasswordFile() {
    return dir.resolve("truststore.password");
  }

  /**
   * Makes the files ready for a start: creates the secrets, generates the keystore (keytool, output
   * to {@code log}) unless there is one, and writes the client truststores.
   *
   * @param formatted whether the broker's storage is formatted already: SCRAM needs the broker's
   *     user, which is created only when the storage is formatted
   * @throws LaunchException when keytool fails, when SCRAM is asked of a storage formatted without
   *     it, or when the generated certificate does not name the advertised address
   */
  void prepare(boolean formatted, Path log, Duration timeout) throws IOException, InterruptedException {
    KafkaSecurity security = settings.security();
    createPrivateDirectory(dir);
    Properties secrets = loadSecrets();
    boolean changed = false;
    if (security.keystore() != null) {
      String given = readSecret(security.keystorePasswordFile());
      if (!given.equals(secrets.getProperty(KEYSTORE_PASSWORD))) {
        secrets.setProperty(KEYSTORE_PASSWORD, given);
        changed = true;
      }
    } else if (secrets.getProperty(KEYSTORE_PASSWORD) == null) {
      if (Files.exists(keystore())) {
        throw new LaunchException(secrets() + " lost the password of " + keystore() + ": delete " + dir
            + " to generate a new keystore (clients must then trust the new " + caPem() + ")");
      }
      secrets.setProperty(KEYSTORE_PASSWORD, randomPassword());
      changed = true;
    }
    if (security.scram() && secrets.getProperty(BROKER_PASSWORD) == null) {
      if (formatted) {
        throw new LaunchException(settings.dataDir() + " was formatted without --scram-user: the broker's own SCRAM user "
            + KafkaSecurity.BROKER_USER + " is created only when the storage is formatted; start with an empty --data directory");
      }
      secrets.setProperty(BROKER_PASSWORD, randomPassword());
      changed = true;
    }
    if (changed) {
      storeSecrets(secrets);
    }
    String storePassword = secrets.getProperty(KEYSTORE_PASSWORD);
    if (security.keystore() == null && !Files.exists(keystore())) {
      generateKeystore(storePassword, log, timeout);
    }
    X509Certificate trusted = trustedCertificate(storePassword);
    writeTruststores(trusted);
  }

  /** The password of the broker's own SCRAM user. */
  String brokerPassword() throws IOException {
    String password = loadSecrets().getProperty(BROKER_PASSWORD);
    if (password == null) {
      throw new LaunchException(secrets() + " has no " + BROKER_PASSWORD);
    }
    return password;
  }

  /** The SCRAM user's password, from its file. */
  String scramUserPassword() throws IOException {
    return readSecret(settings.security().scramPasswordFile());
  }

  /**
   * The content of a password file without its trailing line breaks (as {@code $(cat FILE)} in a
   * shell reads it).
   *
   * @throws LaunchException when the file cannot be read or holds no password
   */
  public static String readSecret(Path file) {
    String s;
    try {
      s = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LaunchException("cannot read password file " + file + ": " + e);
    }
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    if (end == 0) {
      throw new LaunchException("password file " + file + " is empty");
    }
    return s.substring(0, end);
  }

  /**
   * The Kafka client settings with which the launcher talks to this broker: TLS trusting
   * {@link #caPem()} and, with SCRAM, as the broker's own user.
   */
  Map<String, String> adminClientSettings() throws IOException {
    KafkaSecurity security = settings.security();
    Map<String, String> p = new java.util.LinkedHashMap<>();
    p.put("security.protocol", security.protocol());
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", caPem().toString());
    if (security.scram()) {
      p.put("sasl.mechanism", KafkaSecurity.SCRAM_MECHANISM);
      p.put("sasl.jaas.config", jaasConfig(KafkaSecurity.BROKER_USER, brokerPassword()));
    }
    return p;
  }

  /** A SCRAM client's {@code sasl.jaas.config}, quoting {@code \} and {@code "} in the user and password. */
  public static String jaasConfig(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + jaasQuote(user)
        + "\" password=\"" + jaasQuote(password) + "\";";
  }

  private static String jaasQuote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private Properties loadSecrets() throws IOException {
    Properties p = new Properties();
    if (Files.exists(secrets())) {
      try (Reader in = Files.newBufferedReader(secrets(), StandardCharsets.UTF_8)) {
        p.load(in);
      }
    }
    return p;
  }

  private void storeSecrets(Properties secrets) throws IOException {
    Path tmp = dir.resolve(secrets().getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      secrets.store(out, "Secrets of the Kafka broker, written by bin/sluice kafka; server.properties refers to them");
    }
    Files.move(tmp, secrets(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void generateKeystore(String storePassword, Path log, Duration timeout) throws IOException, InterruptedException {
    String host = settings.advertisedHost();
    Path tmp = dir.resolve("keystore.p12.tmp");
    Files.deleteIfExists(tmp);
    List<String> keytool = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-validity", Integer.toString(CERTIFICATE_VALIDITY_DAYS), "-dname", "CN=" + host + ", O=Sluice",
        "-ext", "SAN=" + subjectAlternativeName(host), "-keystore", tmp.toString(), "-storetype", "PKCS12",
        "-storepass:env", "SLUICE_KEYSTORE_PASSWORD", "-noprompt");
    int rc = ManagedProcess.run("keytool", keytool, Map.of("SLUICE_KEYSTORE_PASSWORD", storePassword), dir, log, timeout);
    if (rc != 0) {
      Files.deleteIfExists(tmp);
      throw new LaunchException("keytool -genkeypair failed (exit " + rc + ")" + (log == null ? "" : "; see " + log));
    }
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, keystore(), StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * keytool's {@code -ext SAN=} value naming {@code host}: {@code ip:ADDRESS} or {@code dns:NAME};
   * a loopback address also names {@code localhost} (and {@code localhost} its address), because
   * older clients (kafka-clients 2.0, Spark 2.4's) verify the name the address resolves back to.
   */
  static String subjectAlternativeName(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    String san = (IPV4.matcher(h).matches() || h.contains(":") ? "ip:" : "dns:") + h;
    if (h.startsWith("127.") && IPV4.matcher(h).matches() || h.equals("::1")) {
      return san + ",dns:localhost";
    }
    return h.equalsIgnoreCase("localhost") ? san + ",ip:127.0.0.1" : san;
  }

  /** The last certificate of the keystore's key entry: the one clients must trust. */
  private X509Certificate trustedCertificate(String storePassword) throws IOException {
    KeyStore ks;
    try {
      ks = KeyStore.getInstance(keystore().toFile(), storePassword.toCharArray());
    } catch (GeneralSecurityException | IOException e) {
      throw new LaunchException("cannot open keystore " + keystore() + ": " + e.getMessage());
    }
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        Certificate[] chain = ks.getCertificateChain(alias);
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
          continue;
        }
        if (settings.security().keystore() == null && !names(leaf, settings.advertisedHost())) {
          throw new LaunchException("the certificate in " + keystore() + " does not name the advertised address "
              + settings.advertisedHost() + " (it was generated for another one): delete " + dir
              + " to generate a new one (clients must then trust the new " + caPem() + ")");
        }
        return (X509Certificate) chain[chain.length - 1];
      }
    } catch (java.security.KeyStoreException e) {
      throw new LaunchException("cannot read keystore " + keystore() + ": " + e.getMessage());
    }
    throw new LaunchException("keystore " + keystore() + " holds no private key with an X.509 certificate");
  }

  private static boolean names(X509Certificate cert, String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      Object type = san.get(0);
      String value = String.valueOf(san.get(1));
      if (Integer.valueOf(2).equals(type) && value.equalsIgnoreCase(h)) {
        return true;
      }
      if (Integer.valueOf(7).equals(type) && sameAddress(value, h)) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameAddress(String a, String b) {
    if (!(IPV4.matcher(b).matches() || b.contains(":"))) {
      return false;
    }
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (IOException e) {
      return false;
    }
  }

  private void writeTruststores(X509Certificate trusted) throws IOException {
    String pem;
    try {
      pem = "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(trusted.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new LaunchException("cannot encode the certificate of " + keystore() + ": " + e.getMessage());
    }
    if (!Files.exists(caPem()) || !Files.readString(caPem(), StandardCharsets.US_ASCII).equals(pem)) {
      writeAtomically(caPem(), pem.getBytes(StandardCharsets.US_ASCII));
      Files.deleteIfExists(truststore());
    }
    if (!Files.exists(truststorePasswordFile())) {
      writeAtomically(truststorePasswordFile(), (randomPassword() + "\n").getBytes(StandardCharsets.US_ASCII));
      Files.deleteIfExists(truststore());
    }
    if (!Files.exists(truststore())) {
      char[] password = readSecret(truststorePasswordFile()).toCharArray();
      try {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, password);
        ts.setCertificateEntry(ALIAS, trusted);
        Path tmp = dir.resolve(truststore().getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          ts.store(out, password);
        }
        Files.move(tmp, truststore(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (GeneralSecurityException e) {
        throw new LaunchException("cannot write truststore " + truststore() + ": " + e.getMessage());
      }
    }
  }

  private void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(owner));
    }
    Files.setPosixFilePermissions(dir, owner);
  }

  /** 192 random bits, base64url without padding: safe in properties files, JAAS and keytool. */
  public static String randomPassword() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
