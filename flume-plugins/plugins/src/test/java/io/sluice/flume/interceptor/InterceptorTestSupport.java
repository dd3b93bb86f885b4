package io.sluice.flume.interceptor;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.flume.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;

/** Builds events the way ReplaySource does: raw line bytes plus an eventId header. */
public final class InterceptorTestSupport {

  public static final String EVENT_ID = "eventId";

  private InterceptorTestSupport() {
  }

  public static Event event(String body) {
    return event(body.getBytes(UTF_8), "test:1");
  }

  public static Event event(byte[] body, String eventId) {
    Map<String, String> headers = new HashMap<>();
    headers.put(EVENT_ID, eventId);
    return EventBuilder.withBody(body, headers);
  }

  /** One event per line of the file, numbered like ReplaySource's eventId. */
  public static List<Event> events(Path file) {
    List<Event> events = new ArrayList<>();
    int number = 0;
    for (byte[] line : TestData.lines(file)) {
      events.add(event(line, file.getFileName() + ":" + ++number));
    }
    return events;
  }
}
