package io.sluice.flume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ComponentConfigTest {

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
        .hasMessage("test: unknown configuration keys endPoint, timeout (known keys: endpoint, "
            + "timeoutMs)");
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
}
