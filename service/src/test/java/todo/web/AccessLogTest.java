package todo.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import todo.TestNodes;
import todo.TodoSystem;

/** {@code todo.http.access-log}: one line per request to the logger todo.access when on, none when off. */
class AccessLogTest {

  @TempDir Path dir;
  private TodoSystem node;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final Logger access = (Logger) LoggerFactory.getLogger("todo.access");

  @AfterEach
  void stop() {
    access.detachAppender(lines);
    if (node != null) node.stop();
  }

  private void start(String accessLog) {
    node = TestNodes.startWith(Map.of("todo.http.access-log", accessLog), "access" + accessLog, dir);
    lines.start();
    access.addAppender(lines);
  }

  @Test
  void onItLogsALinePerRequestWithoutTheQuery() {
    start("on");
    Web web = new Web(node);
    web.post("/add_entry?list=access&date=2018-12-19&title=Secret");
    web.get("/api/lists/access/entries");
    web.get("/nope");

    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
        l -> assertThat(l).matches("POST /add_entry 200 [0-9.]+ ms 127\\.0\\.0\\.1"),
        l -> assertThat(l).matches("GET /api/lists/access/entries 200 [0-9.]+ ms 127\\.0\\.0\\.1"),
        l -> assertThat(l).matches("GET /nope 404 [0-9.]+ ms 127\\.0\\.0\\.1"));
  }

  @Test
  void offItLogsNothing() {
    start("off");
    Web web = new Web(node);
    web.post("/add_entry?list=access&date=2018-12-19&title=t");
    web.get("/health");

    assertThat(lines.list).isEmpty();
  }
}
