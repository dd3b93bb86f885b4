package io.sluice.flume.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.conf.ConfigurationException;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class SourceConfigTest {

  private static final ConfigDef DEFINITION = new ConfigDef()
      .define("batchSize", ConfigDef.Type.INT, 100, ConfigDef.Range.atLeast(1),
          ConfigDef.Importance.HIGH, "Events per transaction.")
      .define("endpoint", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.Importance.HIGH, "Where to connect.");

  @Test
  void acceptsTheKeysFlumePutsInASourceContext() {
    Context context = new Context(Map.of("endpoint", "x", "type", "my.Source",
        "channels", "c1 c2", "selector.type", "multiplexing", "selector.mapping.a", "c1",
        "interceptors", "i1", "interceptors.i1.type", "static"));

    assertThat(SourceConfig.parse(DEFINITION, context).getInt("batchSize")).isEqualTo(100);
  }

  @Test
  void treatsABlankValueAsAbsent() {
    Context context = new Context(Map.of("endpoint", "x", "batchSize", "  "));

    assertThat(SourceConfig.parse(DEFINITION, context).getInt("batchSize")).isEqualTo(100);
  }

  @Test
  void rejectsABlankRequiredKey() {
    Context context = new Context(Map.of("endpoint", " "));

    assertThatThrownBy(() -> SourceConfig.parse(DEFINITION, context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Key 'endpoint' is required");
  }

  @Test
  void acceptsKeysUnderADeclaredPrefix() {
    Context context = new Context(Map.of("endpoint", "x", "rules.a.value", "cat"));

    assertThat(SourceConfig.parse(DEFINITION, context, List.of("rules.")).getString("endpoint"))
        .isEqualTo("x");
  }
}
