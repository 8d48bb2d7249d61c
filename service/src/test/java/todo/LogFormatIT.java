package todo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node's log, as ./todo starts it: in the text format every line starts with the ISO
 * date and time and names the node; with {@code TODO_LOG_FORMAT=json} every line is one JSON
 * object of Logback's JsonEncoder, carrying the node's name.
 */
class LogFormatIT {

  private static final String ISO_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void textLinesStartWithTheIsoTimeAndNameTheNode() throws Exception {
    try (NodeProcess node = new NodeProcess("logtext", dir, TestNodes.freePort())) {
      List<String> lines = linesOfARun(node.start());
      assertThat(lines).anyMatch(l -> l.contains("Node " + node.name() + " is up"));
      assertThat(lines).allMatch(l -> l.matches(ISO_TIME + " [A-Z]+ +" + java.util.regex.Pattern.quote(node.name()) + " \\S+ - .*"),
          "starts with the ISO time, the level and the node's name");
    }
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    try (NodeProcess node = new NodeProcess("logjson", dir, TestNodes.freePort()).env("TODO_LOG_FORMAT", "json")) {
      List<String> lines = linesOfARun(node.start());
      for (String line : lines) {
        JsonNode event = JSON.readTree(line);
        assertThat(event.isObject()).as(line).isTrue();
        assertThat(event.path("timestamp").isIntegralNumber()).as(line).isTrue();
        assertThat(event.path("level").asText()).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
        assertThat(event.path("loggerName").asText()).as(line).isNotEmpty();
        assertThat(event.path("context").path("properties").path("node").asText()).as(line).isEqualTo(node.name());
      }
      assertThat(lines).anyMatch(l -> l.contains("\"formattedMessage\":\"Node " + node.name() + " is up"));
    }
  }

  /** The output of a node that serves one write and then stops on SIGTERM. */
  private static List<String> linesOfARun(NodeProcess node) throws Exception {
    node.post("/add_entry?list=bob&date=2018-12-19&title=Dentist");
    assertThat(node.terminate()).isEqualTo(143); // SIGTERM, after the shutdown hooks
    List<String> lines = node.log().lines().toList();
    assertThat(lines).isNotEmpty();
    return lines;
  }
}
