package io.sluice.flume.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import org.apache.flume.instrumentation.MonitoredCounterGroup;

/**
 * A Flume {@link MonitoredCounterGroup} whose counters are given by name at construction and
 * exposed over JMX as read-only {@code long} attributes of the same names (a
 * {@link DynamicMBean}), next to Flume's usual {@code Type}, {@code StartTime} and
 * {@code StopTime}. So the counters appear wherever Flume's own counters do: JMX, Flume's
 * {@code http} JSON monitoring ({@code INTERCEPTOR.<name>}) and
 * {@link PrometheusMonitorService}.
 *
 * <p>The MBean is {@code org.apache.flume.<type>:type=<name>}; {@link #start()} registers it
 * (replacing an MBean of the same name, e.g. the previous instance after a configuration
 * reload) and zeroes the counters, {@link #stop()} records the stop time. Counting works whether
 * or not the group was started. Thread-safe.
 */
public class ComponentCounter extends MonitoredCounterGroup implements DynamicMBean {

  private static final String TYPE_ATTRIBUTE = "Type";
  private static final String START_TIME_ATTRIBUTE = "StartTime";
  private static final String STOP_TIME_ATTRIBUTE = "StopTime";

  private final List<String> counters;
  private final MBeanInfo info;

  /**
   * Creates the group; nothing is registered until {@link #start()}.
   *
   * @param type the component type, e.g. {@link Type#INTERCEPTOR}
   * @param name the component name (the MBean's {@code type=} key)
   * @param counters the counter names, each starting at 0
   */
  public ComponentCounter(Type type, String name, List<String> counters) {
    super(type, name, counters.toArray(new String[0]));
    Set<String> distinct = new LinkedHashSet<>(counters);
    if (distinct.size() != counters.size()) {
      throw new IllegalArgumentException("Duplicate counter names in " + counters);
    }
    this.counters = List.copyOf(counters);
    List<MBeanAttributeInfo> attributes = new ArrayList<>();
    attributes.add(new MBeanAttributeInfo(TYPE_ATTRIBUTE, String.class.getName(),
        "Component type", true, false, false));
    attributes.add(new MBeanAttributeInfo(START_TIME_ATTRIBUTE, long.class.getName(),
        "Start time, epoch milliseconds (0 before start)", true, false, false));
    attributes.add(new MBeanAttributeInfo(STOP_TIME_ATTRIBUTE, long.class.getName(),
        "Stop time, epoch milliseconds (0 while running)", true, false, false));
    for (String counter : counters) {
      attributes.add(new MBeanAttributeInfo(counter, long.class.getName(), counter, true, false,
          false));
    }
    this.info = new MBeanInfo(getClass().getName(), "Flume counter group " + name,
        attributes.toArray(new MBeanAttributeInfo[0]), null, null, null);
  }

  /**
   * The counter names, in construction order.
   *
   * @return an unmodifiable list
   */
  public List<String> counterNames() {
    return Collections.unmodifiableList(counters);
  }

  /**
   * Adds one to a counter.
   *
   * @param counter a name given at construction
   * @return the new value
   * @throws NullPointerException for an unknown name
   */
  public long incrementCounter(String counter) {
    return increment(counter);
  }

  /**
   * Adds to a counter.
   *
   * @param counter a name given at construction
   * @param delta the amount
   * @return the new value
   */
  public long addToCounter(String counter, long delta) {
    return addAndGet(counter, delta);
  }

  /**
   * Reads a counter.
   *
   * @param counter a name given at construction
   * @return its value
   */
  public long value(String counter) {
    return get(counter);
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    if (TYPE_ATTRIBUTE.equals(attribute)) {
      return getType();
    }
    if (START_TIME_ATTRIBUTE.equals(attribute)) {
      return getStartTime();
    }
    if (STOP_TIME_ATTRIBUTE.equals(attribute)) {
      return getStopTime();
    }
    if (counters.contains(attribute)) {
      return get(attribute);
    }
    throw new AttributeNotFoundException(attribute);
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException("Read-only: " + attribute.getName());
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    AttributeList list = new AttributeList();
    for (String attribute : attributes) {
      try {
        list.add(new Attribute(attribute, getAttribute(attribute)));
      } catch (AttributeNotFoundException e) {
        // JMX contract: attributes that cannot be read are left out of the list
      }
    }
    return list;
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException("No operations: " + actionName);
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    return info;
  }
}
