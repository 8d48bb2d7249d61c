package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import todo.TestNodes;

/** The embedded port mapper, spoken to over the EPMD protocol as erl and epmd -names do. */
class EpmdTest {

  private Epmd epmd;
  private EpmdClient client;

  @BeforeEach
  void start() throws Exception {
    int port = TestNodes.freePort();
    epmd = Epmd.start(port);
    client = new EpmdClient(port);
  }

  @AfterEach
  void stop() throws Exception {
    epmd.close();
  }

  @Test
  void aRegisteredNameAnswersWithItsPort() throws Exception {
    try (Socket registration = client.register("node1", 9100)) {
      assertThat(client.portOf("127.0.0.1", "node1")).contains(9100);
      assertThat(client.names("127.0.0.1")).containsEntry("node1", 9100);
    }
  }

  @Test
  void extraBytesComeBackWithThePort() throws Exception {
    byte[] url = "http://127.0.0.1:5454".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Socket registration = client.register("node1", 9100, url)) {
      var found = client.registrationOf("127.0.0.1", "node1").orElseThrow();
      assertThat(found.port()).isEqualTo(9100);
      assertThat(found.extra()).isEqualTo(url);
    }
  }

  @Test
  void anUnknownNameHasNoPort() throws Exception {
    assertThat(client.portOf("127.0.0.1", "nobody")).isEmpty();
  }

  @Test
  void aTakenNameIsRefused() throws Exception {
    try (Socket first = client.register("node1", 9100)) {
      assertThatThrownBy(() -> client.register("node1", 9101)).isInstanceOf(EpmdClient.NameTaken.class);
      assertThat(client.portOf("127.0.0.1", "node1")).contains(9100);
    }
  }

  @Test
  void aNameIsFreedWhenItsConnectionCloses() throws Exception {
    client.register("node1", 9100).close(); // as when the process dies
    await().atMost(Duration.ofSeconds(5)).until(() -> client.portOf("127.0.0.1", "node1").isEmpty());
    try (Socket again = client.register("node1", 9200)) {
      assertThat(client.portOf("127.0.0.1", "node1")).contains(9200);
    }
  }

  @Test
  void junkDoesNotHarmIt() throws Exception {
    try (Socket junk = new Socket("127.0.0.1", client.port())) {
      OutputStream out = junk.getOutputStream();
      out.write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
      out.flush();
    }
    try (Socket registration = client.register("node1", 9100)) {
      assertThat(client.portOf("127.0.0.1", "node1")).contains(9100);
    }
  }

  @Test
  void aNodeTakesOverThePortMapperWhenItsHostDies() throws Exception {
    try (EpmdRegistration a = EpmdRegistration.start(client, "a", 9100);
         EpmdRegistration b = EpmdRegistration.start(client, "b", 9101)) {
      epmd.close(); // the port mapper's process is gone
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try {
          return client.names("127.0.0.1").keySet().containsAll(java.util.List.of("a", "b"));
        } catch (java.io.IOException notYet) {
          return false;
        }
      });
      assertThat(a.embedsPortMapper() || b.embedsPortMapper()).isTrue();
    }
  }
}
