package io.sluice.flume.source;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Records what one class logs (at the levels the test configuration lets through) until closed. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

  private final Logger logger;
  private final List<LogEvent> events = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    super("capture-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY);
    this.logger = logger;
  }

  /** Starts recording what {@code type}'s logger logs. */
  public static LogCapture of(Class<?> type) {
    LogCapture capture = new LogCapture((Logger) LogManager.getLogger(type));
    capture.start();
    capture.logger.addAppender(capture);
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    events.add(event.toImmutable());
  }

  /** The formatted messages logged at {@code level}, in order. */
  public List<String> messages(Level level) {
    return events.stream().filter(e -> e.getLevel() == level)
        .map(e -> e.getMessage().getFormattedMessage()).collect(Collectors.toList());
  }

  /** The exceptions logged at {@code level}, in order (null for a message without one). */
  public List<Throwable> thrown(Level level) {
    return events.stream().filter(e -> e.getLevel() == level).map(LogEvent::getThrown)
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.removeAppender(this);
    stop();
  }
}
