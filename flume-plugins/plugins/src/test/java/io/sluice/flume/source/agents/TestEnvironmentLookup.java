package io.sluice.flume.source.agents;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.text.lookup.StringLookup;

/**
 * The {@code env} lookup of agent configurations under test: Flume 1.11 resolves
 * {@code ${env:NAME}} through the lookups named by the {@code lookups} system property
 * ({@code org.apache.flume.node.MapResolver}), so {@link AgentRun} maps {@code env} to this class
 * and the test decides the values, without touching the real environment. Names not set here
 * resolve to nothing (the {@code ${env:NAME}} text stays, or its {@code :-default} applies).
 */
public final class TestEnvironmentLookup implements StringLookup {

  static final Map<String, String> VALUES = new ConcurrentHashMap<>();

  /** Flume instantiates the lookup by reflection. */
  public TestEnvironmentLookup() {
  }

  @Override
  public String lookup(String key) {
    return VALUES.get(key);
  }
}
