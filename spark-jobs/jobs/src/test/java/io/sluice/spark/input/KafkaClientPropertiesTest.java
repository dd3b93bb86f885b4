package io.sluice.spark.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.spark.output.AlertPublisher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

  private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required";

  @TempDir
  static Path stores;

  /** A PKCS12 store with one key entry, made by keytool; its password is in {@code store.password}. */
  private static Path store;

  @TempDir
  Path dir;

  @BeforeAll
  static void makeStore() throws Exception {
    store = stores.resolve("store.p12");
    Files.writeString(stores.resolve("store.password"), "store-secret\n");
    Process keytool = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=test", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "store-secret",
        "-noprompt").redirectErrorStream(true).redirectOutput(stores.resolve("keytool.log").toFile()).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool").isTrue();
  }

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("kafka-" + System.nanoTime() + ".properties");
    Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return f;
  }

  private Path secret(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static IllegalArgumentException rejected(Path file) {
    return assertThrows(IllegalArgumentException.class, () -> KafkaClientProperties.load(file));
  }

  @Test
  void resolvesFileDirAndEnvReferences() throws IOException {
    secret("secrets.properties", "password = from-properties\nother=x\n");
    secret("pw", "from-dir\r\n\n");
    Map.Entry<String, String> env = System.getenv().entrySet().stream()
        .filter(e -> !e.getValue().isEmpty() && e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")).findFirst().orElseThrow();

    assertThat(KafkaConfigReferences.resolve("${file:" + dir.resolve("secrets.properties") + ":password}", false))
        .isEqualTo("from-properties");
    assertThat(KafkaConfigReferences.resolve("a=${dir:" + dir + ":pw} b=${env:" + env.getKey() + "}", false))
        .as("trailing line breaks dropped, two references in one value").isEqualTo("a=from-dir b=" + env.getValue());
    assertThat(KafkaConfigReferences.resolve("no reference", false)).isEqualTo("no reference");
  }

  @Test
  void quotesTextSubstitutedIntoJaasConfig() throws IOException {
    secret("pw", "a\"b\\c\n");

    assertThat(KafkaConfigReferences.resolve(SCRAM + " username=\"u\" password=\"${dir:" + dir + ":pw}\";", true))
        .isEqualTo(SCRAM + " username=\"u\" password=\"a\\\"b\\\\c\";");
  }

  @Test
  void failsNamingAReferenceThatDoesNotResolveButNeverAValue() throws IOException {
    secret("secrets.properties", "password=s3cr3t\n");
    secret("empty", "\n");
    String missingKey = "${file:" + dir.resolve("secrets.properties") + ":passwd}";
    List<String> bad = List.of(missingKey, "${file:" + dir.resolve("nothing.properties") + ":password}",
        "${dir:" + dir + ":nothing}", "${dir:" + dir + ":../etc/passwd}", "${dir:" + dir + ":empty}",
        "${env:SLUICE_TEST_VARIABLE_THAT_IS_NOT_SET}", "${env:" + dir + ":X}", "${vault:secret/kafka:password}",
        "${file:password}");
    for (String reference : bad) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KafkaConfigReferences.resolve("x=" + reference, false), reference);
      assertThat(e).as(reference).hasMessageContaining(reference).hasMessageNotContaining("s3cr3t");
    }
  }

  @Test
  void loadsSecuritySettingsWithPasswordsResolvedOnlyInTheClientSettings() throws IOException {
    secret("kafka-password", "user-secret\n");
    Path file = file("security.protocol=SASL_SSL", "ssl.truststore.type=PKCS12", "ssl.truststore.location=" + store,
        "ssl.truststore.password=${dir:" + stores + ":store.password}", "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=" + SCRAM + " username=\"sluice\" password=\"${dir:" + dir + ":kafka-password}\";");

    KafkaClientProperties p = KafkaClientProperties.load(file);

    Map<String, Object> client = p.clientSettings();
    assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.location", store.toString()).containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    assertThat(((Password) client.get("ssl.truststore.password")).value()).isEqualTo("store-secret");
    assertThat(((Password) client.get("sasl.jaas.config")).value())
        .isEqualTo(SCRAM + " username=\"sluice\" password=\"user-secret\";");
    assertThat(client.get("sasl.jaas.config")).hasToString("[hidden]");
    assertThat(p.describe()).contains("password=\"${dir:" + dir + ":kafka-password}\"")
        .contains("ssl.truststore.password=${dir:").doesNotContain("user-secret").doesNotContain("store-secret");
    assertThat(p.toString()).doesNotContain("user-secret").doesNotContain("store-secret");
    assertThat(KafkaClientProperties.NONE.isEmpty()).isTrue();
    assertThat(KafkaClientProperties.NONE.clientSettings()).isEmpty();
  }

  @Test
  void serializesPasswordsAsTheirReferencesAndResolvesThemAgainWhenRead() throws Exception {
    Path password = secret("kafka-password", "first-secret\n");
    KafkaClientProperties p = KafkaClientProperties.load(file("security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=" + SCRAM + " username=\"sluice\" password=\"${dir:" + dir + ":kafka-password}\";"));
    HashMap<String, Object> consumerParams = new HashMap<>(p.clientSettings()); // as Spark's Subscribe keeps them
    consumerParams.put("bootstrap.servers", "k:9092");

    byte[] checkpoint = serialize(consumerParams);
    assertThat(new String(checkpoint, StandardCharsets.ISO_8859_1)).contains("${dir:").doesNotContain("first-secret");

    Files.writeString(password, "rotated-secret\n");
    @SuppressWarnings("unchecked")
    Map<String, Object> recovered = (Map<String, Object>) deserialize(checkpoint);
    assertThat(((Password) recovered.get("sasl.jaas.config")).value()).contains("password=\"rotated-secret\"");
    assertThat(recovered).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "k:9092");
    assertThat(new String(serialize(recovered), StandardCharsets.ISO_8859_1)).doesNotContain("rotated-secret");
    assertThat(recovered.get("sasl.jaas.config")).as("Kafka caches logins by this value")
        .isEqualTo(new Password(SCRAM + " username=\"sluice\" password=\"rotated-secret\";"));

    // The alerts publisher is checkpointed whole: its settings carry no secret either.
    assertThat(new String(serialize(new AlertPublisher("k:9092", "alerts", p)), StandardCharsets.ISO_8859_1))
        .contains("${dir:").doesNotContain("first-secret").doesNotContain("rotated-secret");
  }

  @Test
  void rejectsPasswordsWrittenInTheFile() throws IOException {
    assertThat(rejected(file("ssl.truststore.location=" + store, "ssl.truststore.password=store-secret")))
        .hasMessageContaining("ssl.truststore.password").hasMessageContaining("${file:PATH:KEY}")
        .hasMessageNotContaining("store-secret");
    for (String literal : List.of("password=\"s3cr3t\"", "password=s3cr3t", "password = \"s3${cr3t\"")) {
      assertThat(rejected(file("sasl.jaas.config=" + SCRAM + " username=\"u\" " + literal + ";"))).as(literal)
          .hasMessageContaining("sasl.jaas.config").hasMessageNotContaining("s3cr3t");
    }
  }

  @Test
  void rejectsKeysThatAreNotSecuritySettingsNamingTheJobsOptionForItsOwn() throws IOException {
    assertThat(rejected(file("bootstrap.servers=k:9092"))).hasMessageContaining("bootstrap.servers")
        .hasMessageContaining("--kafka-bootstrap");
    assertThat(rejected(file("group.id=g"))).hasMessageContaining("--kafka-group-id");
    assertThat(rejected(file("auto.offset.reset=latest"))).hasMessageContaining("--kafka-starting-offsets");
    assertThat(rejected(file("request.timeout.ms=1000"))).hasMessageContaining("request.timeout.ms")
        .hasMessageContaining("security.protocol, ssl.* and sasl.*");
    assertThat(rejected(file("ssl.truststore.locaton=/x"))).hasMessageContaining("ssl.truststore.locaton");
  }

  @Test
  void rejectsBadValuesNamingTheKey() throws IOException {
    assertThat(rejected(file("security.protocol=TLS"))).hasMessageContaining("security.protocol")
        .hasMessageContaining("SASL_SSL");
    assertThat(rejected(file("sasl.login.refresh.window.factor=2"))).hasMessageContaining("sasl.login.refresh.window.factor");
    assertThat(rejected(file("ssl.truststore.location=${env:SLUICE_TEST_VARIABLE_THAT_IS_NOT_SET}")))
        .hasMessageContaining("ssl.truststore.location").hasMessageContaining("SLUICE_TEST_VARIABLE_THAT_IS_NOT_SET");
    assertThat(rejected(dir.resolve("missing.properties"))).hasMessageContaining("missing.properties");
  }

  @Test
  void rejectsTruststoresKafkaClients20CannotOpen() throws IOException {
    Path pem = secret("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    secret("wrong", "not-the-password\n");

    assertThat(rejected(file("ssl.truststore.type=PEM", "ssl.truststore.location=" + pem)))
        .hasMessageContaining("ssl.truststore.type").hasMessageContaining("PKCS12");
    assertThat(rejected(file("ssl.truststore.type=PKCS12", "ssl.truststore.location=" + pem,
        "ssl.truststore.password=${dir:" + stores + ":store.password}"))).hasMessageContaining("ssl.truststore.location");
    assertThat(rejected(file("ssl.truststore.type=PKCS12", "ssl.truststore.location=" + store,
        "ssl.truststore.password=${dir:" + dir + ":wrong}"))).hasMessageContaining("ssl.truststore.location")
        .hasMessageNotContaining("not-the-password");
    assertThat(rejected(file("ssl.keystore.type=PKCS12", "ssl.keystore.location=" + dir.resolve("none.p12"))))
        .hasMessageContaining("ssl.keystore.location");
  }

  @Test
  void acceptsKafkasDeclarationsOfTheProvidersItResolvesAndNoOthers() throws IOException {
    secret("kafka-password", "user-secret\n");
    KafkaClientProperties p = KafkaClientProperties.load(file("config.providers=file,dir",
        "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
        "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
        "security.protocol=SASL_SSL",
        "sasl.jaas.config=" + SCRAM + " username=\"u\" password=\"${dir:" + dir + ":kafka-password}\";"));
    assertThat(p.clientSettings()).containsOnlyKeys("security.protocol", "sasl.jaas.config");

    assertThat(rejected(file("config.providers=vault"))).hasMessageContaining("config.providers");
    assertThat(rejected(file("config.providers.file.class=com.example.MyProvider")))
        .hasMessageContaining("config.providers.file.class");
    assertThat(rejected(file("config.providers.dir.param.allowed.paths=/etc"))).hasMessageContaining("allowed.paths");
  }

  @Test
  void warnsAboutSaslSslBrokersGivenByAddress() throws IOException {
    KafkaClientProperties saslSsl = KafkaClientProperties.load(file("security.protocol=SASL_SSL"));

    assertThat(saslSsl.addressCaveats("127.0.0.1:9092,kafka.lab:9092")).singleElement().asString()
        .contains("127.0.0.1:9092").contains("localhost").contains("host name");
    assertThat(saslSsl.addressCaveats("kafka.lab:9092")).isEmpty();
    assertThat(KafkaClientProperties.load(file("security.protocol=SSL")).addressCaveats("127.0.0.1:9092"))
        .as("SSL alone checks the address itself").isEmpty();
    assertThat(KafkaClientProperties.load(file("security.protocol=SASL_SSL", "ssl.endpoint.identification.algorithm="))
        .addressCaveats("127.0.0.1:9092")).isEmpty();
    assertThat(KafkaClientProperties.NONE.addressCaveats("127.0.0.1:9092")).isEmpty();
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }
}
