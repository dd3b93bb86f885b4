package io.sluice.flume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flume.Context;
import org.apache.flume.conf.ConfigurationException;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ComponentConfigTest {

  /** The definition of the source tests (formerly {@code SourceConfigTest}). */
  private static final ConfigDef SOURCE_DEFINITION = new ConfigDef()
      .define("batchSize", ConfigDef.Type.INT, 100, ConfigDef.Range.atLeast(1),
          ConfigDef.Importance.HIGH, "Events per transaction.")
      .define("endpoint", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.Importance.HIGH, "Where to connect.");

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define("endpoint", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Required.")
      .define("timeoutMs", Type.LONG, 500L, Range.atLeast(1), Importance.LOW,
          "Timeout in milliseconds.");

  @Test
  void readsTypedValuesAndDefaults() {
    ComponentConfig config = ComponentConfig.parseInterceptor(DEFINITION,
        new Context(Map.of("endpoint", "x", "type", "some.Builder")), "test");

    assertThat(config.getString("endpoint")).isEqualTo("x");
    assertThat(config.getLong("timeoutMs")).isEqualTo(500L);
    assertThat(config.component()).isEqualTo("test");
  }

  @Test
  void rejectsMissingRequiredKeyNamingIt() {
    assertThatThrownBy(() -> ComponentConfig.parseInterceptor(DEFINITION, new Context(), "test"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("test: ")
        .hasMessageContaining("endpoint");
  }

  @Test
  void rejectsValueOutsideRangeNamingKeyAndValue() {
    assertThatThrownBy(() -> ComponentConfig.parseInterceptor(DEFINITION,
        new Context(Map.of("endpoint", "x", "timeoutMs", "0")), "test"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("timeoutMs").hasMessageContaining("at least 1");
  }

  @Test
  void listsEveryUnknownKeyAndTheKnownOnes() {
    assertThatThrownBy(() -> ComponentConfig.parseInterceptor(DEFINITION,
        new Context(Map.of("endpoint", "x", "timeout", "1", "endPoint", "y")), "test"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("test: Key 'endPoint' is unknown (unknown configuration keys endPoint, timeout; "
            + "known keys: endpoint, timeoutMs)");
  }

  @Test
  void acceptsFrameworkKeysAndPrefixes() {
    ComponentConfig config = ComponentConfig.parse(DEFINITION, new Context(Map.of("endpoint",
        "x", "channels", "c1", "selector.type", "multiplexing")), "source", Set.of("channels"),
        List.of("selector."));

    assertThat(config.getString("endpoint")).isEqualTo("x");
  }

  @Test
  void describesEveryKeyWithTypeDefaultAndDoc() {
    assertThat(ComponentConfig.describe(DEFINITION)).containsExactly(
        "endpoint (string, default required): Required.",
        "timeoutMs (long, default 500): Timeout in milliseconds.");
  }

  // ---------------------------------------------------------------- sources (was SourceConfigTest)

  @Test
  void acceptsTheKeysFlumePutsInASourceContext() {
    Context context = new Context(Map.of("endpoint", "x", "type", "my.Source",
        "channels", "c1 c2", "selector.type", "multiplexing", "selector.mapping.a", "c1",
        "interceptors", "i1", "interceptors.i1.type", "static"));

    assertThat(ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test")
        .getInt("batchSize")).isEqualTo(100);
  }

  @Test
  void treatsABlankValueAsAbsent() {
    Context context = new Context(Map.of("endpoint", "x", "batchSize", "  "));

    assertThat(ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test")
        .getInt("batchSize")).isEqualTo(100);
  }

  @Test
  void rejectsABlankRequiredKey() {
    Context context = new Context(Map.of("endpoint", " "));

    assertThatThrownBy(() -> ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test"))
        .isInstanceOf(ConfigurationException.class)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("test: Key 'endpoint' is required");
  }

  @Test
  void acceptsKeysUnderADeclaredPrefix() {
    Context context = new Context(Map.of("endpoint", "x", "rules.a.value", "cat"));

    assertThat(ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test", List.of("rules."))
        .getString("endpoint")).isEqualTo("x");
  }

  @Test
  void rejectsAnUnknownSourceKeyNamingItInTheOneFormat() {
    Context context = new Context(Map.of("endpoint", "x", "batchsize", "5"));

    assertThatThrownBy(() -> ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("test: Key 'batchsize' is unknown");
  }

  @Test
  void namesTheKeyOfAValueItsValidatorRefuses() {
    Context context = new Context(Map.of("endpoint", "x", "batchSize", "0"));

    assertThatThrownBy(() -> ComponentConfig.parseSource(SOURCE_DEFINITION, context, "test"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("test: Key 'batchSize': ")
        .hasMessageContaining("at least 1");
  }
}
