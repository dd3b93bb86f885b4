package io.sluice.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The files of a TLS broker under {@code DATA/tls}, made with the JDK's real keytool. */
class KafkaSecurityFilesTest {

  private static final Duration KEYTOOL = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void generatesAKeystoreNamingTheAdvertisedAddressAndTruststoresWithItsCertificate() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "agent-password\n");
    KafkaSettings settings = new KafkaSettings("127.0.0.1", 9092, 9093, "kafka.lab", dir.resolve("data"),
        new KafkaSecurity(true, null, null, "agent", pw));
    KafkaSecurityFiles files = settings.securityFiles();
    files.prepare(false, dir.resolve("keytool.log"), KEYTOOL);

    Properties secrets = load(files.secrets());
    assertThat(secrets.stringPropertyNames()).containsExactlyInAnyOrder("keystore.password", "broker.password");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.secrets()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir()))).isEqualTo("rwx------");
    KeyStore ks = KeyStore.getInstance(files.keystore().toFile(), secrets.getProperty("keystore.password").toCharArray());
    X509Certificate cert = (X509Certificate) ks.getCertificate("sluice-kafka");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(2, "kafka.lab"));
    assertThat(pem(files.caPem())).isEqualTo(cert);
    KeyStore ts = KeyStore.getInstance(files.truststore().toFile(),
        KafkaSecurityFiles.readSecret(files.truststorePasswordFile()).toCharArray());
    assertThat(ts.getCertificate("sluice-kafka")).isEqualTo(cert);
    assertThat(files.scramUserPassword()).isEqualTo("agent-password");

    // A second start keeps everything; one that advertises another address is refused.
    files.prepare(true, dir.resolve("keytool.log"), KEYTOOL);
    assertThat(load(files.secrets())).isEqualTo(secrets);
    assertThat(pem(files.caPem())).isEqualTo(cert);
    KafkaSettings moved = new KafkaSettings("127.0.0.1", 9092, 9093, "10.0.0.9", dir.resolve("data"), settings.security());
    assertThatThrownBy(() -> moved.securityFiles().prepare(true, null, KEYTOOL))
        .hasMessageContaining("does not name the advertised address 10.0.0.9").hasMessageContaining("delete " + files.dir());
  }

  @Test
  @Timeout(120)
  void usesAGivenKeystoreAndTrustsTheLastCertificateOfItsChain() throws Exception {
    Path keystore = dir.resolve("given.p12");
    Path pw = dir.resolve("given.pw");
    Files.writeString(pw, "given-store-pass\n");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=given",
        "-ext", "SAN=dns:given.lab", "-keystore", keystore.toString(), "-storetype", "PKCS12",
        "-storepass", "given-store-pass", "-noprompt").redirectErrorStream(true)
        .redirectOutput(dir.resolve("keytool.out").toFile()).start();
    assertThat(keytool.waitFor(KEYTOOL.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();

    KafkaSettings settings = new KafkaSettings("127.0.0.1", 9092, 9093, null, dir.resolve("data"),
        new KafkaSecurity(true, keystore, pw, null, null));
    KafkaSecurityFiles files = settings.securityFiles();
    files.prepare(false, null, KEYTOOL);

    assertThat(files.keystore()).isEqualTo(keystore);
    assertThat(load(files.secrets()).getProperty("keystore.password")).isEqualTo("given-store-pass");
    assertThat(load(files.secrets()).getProperty("broker.password")).as("no SCRAM, no broker user").isNull();
    KeyStore ks = KeyStore.getInstance(keystore.toFile(), "given-store-pass".toCharArray());
    assertThat(pem(files.caPem())).isEqualTo(ks.getCertificate("broker"));
    assertThat(Files.exists(files.dir().resolve("keystore.p12"))).as("nothing generated").isFalse();
    assertThat(settings.serverProperties()).contains("ssl.keystore.location=" + keystore, "listeners=SSL://127.0.0.1:9092");
  }

  @Test
  void refusesScramOnAStorageFormattedWithoutIt() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "x\n");
    KafkaSettings settings = new KafkaSettings("127.0.0.1", 9092, 9093, null, dir.resolve("data"),
        new KafkaSecurity(true, null, null, "agent", pw));
    assertThatThrownBy(() -> settings.securityFiles().prepare(true, null, KEYTOOL))
        .hasMessageContaining("was formatted without --scram-user");
  }

  private static Properties load(Path file) throws Exception {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }

  private static X509Certificate pem(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
