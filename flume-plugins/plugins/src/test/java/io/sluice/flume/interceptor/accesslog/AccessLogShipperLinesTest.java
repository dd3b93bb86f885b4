package io.sluice.flume.interceptor.accesslog;

import static io.sluice.contract.EventHeaders.BYTES;
import static io.sluice.contract.EventHeaders.CLIENT_IP;
import static io.sluice.contract.EventHeaders.FORWARDED_FOR;
import static io.sluice.contract.EventHeaders.METHOD;
import static io.sluice.contract.EventHeaders.PATH;
import static io.sluice.contract.EventHeaders.PROTOCOL;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.STATUS;
import static io.sluice.contract.EventHeaders.TIMESTAMP;
import static io.sluice.contract.EventHeaders.VHOST;
import static io.sluice.flume.interceptor.InterceptorTestSupport.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.testing.TestData;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The REAL lines a log shipper's test suite parses (Filebeat's nginx access module,
 * {@code edge_cases/beats_nginx_access_test*.log}, origin in the NOTICE there): X-Forwarded-For
 * lists, bare or quoted, before the remote address or in its place, after a {@code vhost[:port]};
 * and request fields that are not a request line ({@code ""}, {@code "hello"}). Expected values
 * are read off the lines by hand; the times are computed independently with
 * {@link DateTimeFormatter}.
 */
class AccessLogShipperLinesTest {

  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final String WITH_HOST = "beats_nginx_access_test-with-host.log";
  private static final String WITHOUT_HOST = "beats_nginx_access_test.log";

  private static List<Event> intercept(String fixture) {
    Interceptor interceptor = new AccessLogInterceptor.Builder().build();
    return interceptor.intercept(events(TestData.edgeCase(fixture)));
  }

  private static String millis(String clfTime) {
    return Long.toString(ZonedDateTime.parse(clfTime, CLF_TIME).toInstant().toEpochMilli());
  }

  /** Line number | vhost (with host file) | clientIp | forwardedFor | method | path | status | bytes | time. */
  @ParameterizedTest(name = "line {0}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      " 1 | example.com    | 10.0.0.2     | '10.0.0.2, 10.0.0.1, 127.0.0.1'   | GET | /ocelot     | 200 | 571  | 07/Dec/2016:11:05:07 +0100",
      " 2 | example.com    | 172.17.0.1   | null                              | GET | /stringpatch| 404 | 612  | 29/May/2017:19:02:48 +0000",
      " 3 | example.com    | 10.0.0.2     | '10.0.0.2, 10.0.0.1, 81.2.69.143' | GET | /ocelot     | 200 | 571  | 07/Dec/2016:11:05:07 +0100",
      " 4 | example.com:80 | 81.2.69.143  | null                              | GET | /ocelot     | 200 | 571  | 07/Dec/2016:11:05:07 +0100",
      " 5 | example.com:80 | 10.5.102.222 | '10.5.102.222, 175.16.199.1, 204.246.1.1' | GET | /assets/xxxx?q=100 | 200 | 25507 | 22/Jan/2016:13:18:29 +0000",
      " 6 | 1.128.3.4      | 2a02:cf40:10ff:f00f:0000:0000:0:8000 | '2a02:cf40:10ff:f00f:0000:0000:0:8000, 10.225.192.17' | GET | /test.html | 404 | 8571 | 30/Dec/2016:06:47:09 +0000",
      " 7 | 1.128.3.4:80   | 127.0.0.1    | null                              | -   | -           | 400 | 0    | 12/Apr/2018:09:48:40 +0200",
      " 8 | example.com:80 | unix:        | null                              | -   | -           | 400 | 173  | 26/Feb/2019:15:39:42 +0100",
      " 9 | 1.128.3.4      | localhost    | null                              | GET | /test2      | 200 | 612  | 29/May/2017:19:02:48 +0000",
      "10 | example.com    | localhost    | 'localhost, localhost'            | GET | /test2      | 200 | 612  | 29/May/2017:19:02:48 +0000",
  })
  void parsesEveryLineWithAndWithoutVirtualHost(int line, String vhost, String clientIp,
      String forwardedFor, String method, String path, String status, String bytes, String time) {
    for (String fixture : List.of(WITH_HOST, WITHOUT_HOST)) {
      Map<String, String> headers = intercept(fixture).get(line - 1).getHeaders();

      assertThat(headers).as("%s line %d", fixture, line)
          .doesNotContainKey(REJECT_REASON)
          .containsEntry(CLIENT_IP, clientIp)
          .containsEntry(METHOD, method)
          .containsEntry(PATH, path)
          .containsEntry(PROTOCOL, method.equals("-") ? "-" : "HTTP/1.1")
          .containsEntry(STATUS, status)
          .containsEntry(BYTES, bytes)
          .containsEntry(TIMESTAMP, millis(time));
      assertThat(headers.get(FORWARDED_FOR)).as("%s line %d", fixture, line)
          .isEqualTo(forwardedFor);
      assertThat(headers.get(VHOST)).as("%s line %d", fixture, line)
          .isEqualTo(fixture.equals(WITH_HOST) ? vhost : null);
    }
  }

  @Test
  void onlyTheTrailingEmptyLineOfTheFilesIsRejected() {
    assertThat(intercept(WITH_HOST)).hasSize(10)
        .allSatisfy(e -> assertThat(e.getHeaders()).doesNotContainKey(REJECT_REASON));
    List<Event> withoutHost = intercept(WITHOUT_HOST);
    assertThat(withoutHost).hasSize(11);
    assertThat(withoutHost).extracting(e -> e.getHeaders().get(REJECT_REASON))
        .containsOnlyOnce("empty-line").last().isEqualTo("empty-line");
  }
}
