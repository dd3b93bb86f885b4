package io.sluice.flume.bench;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.interceptor.Interceptor;
import org.apache.flume.interceptor.RegexExtractorInterceptor;

/** The two interceptors compared, configured to produce equivalent headers. */
final class Interceptors {

  /**
   * The Combined Log Format as one regular expression with a group per header: the usual way to
   * parse access logs with Flume's stock {@code regex_extractor}.
   */
  static final String COMBINED_REGEX = "^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] "
      + "\"(\\S+) (.*?) (\\S+)\" (\\d{3}) (\\d+|-) "
      + "\"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"";

  /** Header per regex group, the names {@link AccessLogInterceptor} uses. */
  static final String[] GROUP_HEADERS = {
    EventHeaders.CLIENT_IP, EventHeaders.TIMESTAMP,
    EventHeaders.METHOD, EventHeaders.PATH,
    EventHeaders.PROTOCOL, EventHeaders.STATUS,
    EventHeaders.BYTES, EventHeaders.REFERRER,
    EventHeaders.USER_AGENT
  };

  private Interceptors() {
  }

  static Interceptor sluice() {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context(Map.of("counterGroup", "bench-access-log")));
    Interceptor interceptor = builder.build();
    interceptor.initialize();
    return interceptor;
  }

  /**
   * Flume's {@code regex_extractor} with {@link #COMBINED_REGEX}: one serializer per group, the
   * time group through Flume's millis serializer ({@code dd/MMM/yyyy:HH:mm:ss Z}).
   */
  static Interceptor regexExtractor() {
    Map<String, String> config = new HashMap<>();
    config.put("regex", COMBINED_REGEX);
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < GROUP_HEADERS.length; i++) {
      String id = "s" + (i + 1);
      names.append(i == 0 ? "" : " ").append(id);
      config.put("serializers." + id + ".name", GROUP_HEADERS[i]);
    }
    config.put("serializers", names.toString());
    config.put("serializers.s2.type",
        "org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer");
    config.put("serializers.s2.pattern", "dd/MMM/yyyy:HH:mm:ss Z");
    RegexExtractorInterceptor.Builder builder = new RegexExtractorInterceptor.Builder();
    builder.configure(new Context(config));
    Interceptor interceptor = builder.build();
    interceptor.initialize();
    return interceptor;
  }
}
