package io.sluice.flume.interceptor.accesslog;

import static io.sluice.contract.EventHeaders.BYTES;
import static io.sluice.contract.EventHeaders.CLIENT_IP;
import static io.sluice.contract.EventHeaders.FORWARDED_FOR;
import static io.sluice.contract.EventHeaders.PATH;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.STATUS;
import static io.sluice.contract.EventHeaders.USER_AGENT;
import static io.sluice.contract.EventHeaders.VHOST;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static io.sluice.flume.interceptor.InterceptorTestSupport.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.InterceptorCounter;
import io.sluice.flume.testing.TestData;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.ObjectName;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * vhost_combined, IPv6 clients, X-Forwarded-For lists, counters and configuration. The lines
 * here are CONSTRUCTED (documentation addresses 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
 * and 2001:db8::/32) after the formats in the Apache 2.4 and nginx documentation; the real lines
 * of these shapes are in {@link AccessLogShipperLinesTest}.
 */
class AccessLogFormatsTest {

  private static final String REST = " - - [17/May/2015:10:05:03 +0000] \"GET /index.html HTTP/1.1\""
      + " 200 5120 \"-\" \"curl/8.0\"";

  private static AccessLogInterceptor build(Map<String, String> config) {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context(config));
    AccessLogInterceptor interceptor = (AccessLogInterceptor) builder.build();
    interceptor.initialize();
    return interceptor;
  }

  private static Map<String, String> parse(String line) {
    Event event = event(line);
    build(Map.of()).intercept(event);
    return event.getHeaders();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "www.example.com:443 | 192.0.2.10",
      "www.example.com     | 192.0.2.10",
      "localhost:80        | 2001:db8::1",
  })
  void readsVhostCombinedLeadingVirtualHost(String vhost, String client) {
    assertThat(parse(vhost + " " + client + REST))
        .doesNotContainKeys(REJECT_REASON, FORWARDED_FOR)
        .containsEntry(VHOST, vhost)
        .containsEntry(CLIENT_IP, client)
        .containsEntry(PATH, "/index.html")
        .containsEntry(BYTES, "5120")
        .containsEntry(USER_AGENT, "curl/8.0");
  }

  @ParameterizedTest
  @CsvSource({"2001:db8::1", "::1", "::ffff:192.0.2.1", "fe80::1%eth0",
      "2001:0db8:85a3:0000:0000:8a2e:0370:7334"})
  void keepsIpv6ClientsAsWritten(String client) {
    assertThat(parse(client + REST))
        .doesNotContainKeys(REJECT_REASON, VHOST, FORWARDED_FOR)
        .containsEntry(CLIENT_IP, client);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'203.0.113.7, 198.51.100.2, 10.0.0.1' | 203.0.113.7",
      "'203.0.113.7,198.51.100.2'            | 203.0.113.7",
      "'2001:db8::7,  10.0.0.1'              | 2001:db8::7",
      "'unknown, 10.0.0.1'                   | unknown",
  })
  void readsXForwardedForListFirstEntryAsClient(String list, String first) {
    assertThat(parse(list + REST))
        .doesNotContainKeys(REJECT_REASON, VHOST)
        .containsEntry(CLIENT_IP, first)
        .containsEntry(FORWARDED_FOR, list)
        .containsEntry(STATUS, "200");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'\"203.0.113.7, 10.0.0.1\" 198.51.100.2'                 | '203.0.113.7, 10.0.0.1' | 203.0.113.7 |",
      "'shop.example.com:443 \"203.0.113.7\" 198.51.100.2'      | 203.0.113.7            | 203.0.113.7 | shop.example.com:443",
      "'shop.example.com:443 \"-\" 198.51.100.2'                |                        | 198.51.100.2 | shop.example.com:443",
      "'shop.example.com \"\" 198.51.100.2'                     |                        | 198.51.100.2 | shop.example.com",
      "'shop.example.com 203.0.113.7, 10.0.0.1 198.51.100.2'   | '203.0.113.7, 10.0.0.1' | 203.0.113.7 | shop.example.com",
  })
  void readsXForwardedForListBeforeTheRemoteAddress(String prefix, String list, String client,
      String vhost) {
    Map<String, String> headers = parse(prefix + REST);

    assertThat(headers).doesNotContainKey(REJECT_REASON).containsEntry(CLIENT_IP, client)
        .containsEntry(PATH, "/index.html");
    assertThat(headers.get(FORWARDED_FOR)).isEqualTo(list);
    assertThat(headers.get(VHOST)).isEqualTo(vhost);
  }

  @Test
  void readsXForwardedForListAfterVhost() {
    assertThat(parse("shop.example.com:443 203.0.113.7, 10.0.0.1" + REST))
        .containsEntry(VHOST, "shop.example.com:443")
        .containsEntry(CLIENT_IP, "203.0.113.7")
        .containsEntry(FORWARDED_FOR, "203.0.113.7, 10.0.0.1");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "', 10.0.0.1'",
      "a b c d 192.0.2.1",
      "'\"192.0.2.1\"'",
  })
  void rejectsWrongLeadingFieldsAsMissingField(String leading) {
    assertThat(parse(leading + REST)).containsEntry(REJECT_REASON, "missing-field");
  }

  @Test
  void commonAndCombinedLinesGetNoVhostNorForwardedFor() {
    List<Event> in = new ArrayList<>();
    for (byte[] line : TestData.lines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log")).subList(0, 50)) {
      in.add(event(line, "sample"));
    }
    List<Event> out = build(Map.of()).intercept(in);

    assertThat(out).allSatisfy(e -> assertThat(e.getHeaders())
        .doesNotContainKeys(VHOST, FORWARDED_FOR, REJECT_REASON));
  }

  // ---------------------------------------------------------------- counters

  @Test
  void countsParsedAndRejectedPerReasonAndExposesThemOverJmx() throws Exception {
    AccessLogInterceptor interceptor = build(Map.of("counterGroup", "access-log-formats-test"));

    interceptor.intercept(events(TestData.edgeCase("lnav_logfile_bad_access_log.0")));
    interceptor.intercept(List.of(event(""), event("192.0.2.1" + REST)));

    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(5);
    assertThat(counter.value(InterceptorCounter.EVENT_ACCEPTED)).isEqualTo(3);
    assertThat(counter.value(InterceptorCounter.EVENT_REJECTED)).isEqualTo(2);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("missing-field"))).isEqualTo(1);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("empty-line"))).isEqualTo(1);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("bad-status"))).isZero();
    ObjectName name = new ObjectName("org.apache.flume.interceptor:type=access-log-formats-test");
    assertThat(ManagementFactory.getPlatformMBeanServer()
        .getAttribute(name, "EventRejectedCount.missing-field")).isEqualTo(1L);
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Type"))
        .isEqualTo("INTERCEPTOR");
    interceptor.close();
    assertThat(counter.getStopTime()).isPositive();
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void acceptsTheFlumeTypeKey() {
    assertThat(build(Map.of("type", AccessLogInterceptor.Builder.class.getName()))).isNotNull();
  }

  @Test
  void rejectsUnknownKeyNamingIt() {
    assertThatThrownBy(() -> build(Map.of("countergroup", "x")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("access-log-interceptor")
        .hasMessageContaining("unknown configuration key countergroup");
  }

  @Test
  void rejectsEmptyCounterGroupNamingTheKey() {
    assertThatThrownBy(() -> build(Map.of("counterGroup", "")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("counterGroup");
  }
}
