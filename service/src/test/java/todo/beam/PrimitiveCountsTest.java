package todo.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static todo.beam.TwoNodes.on;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each primitive sends between two nodes, counted (Artery reports every message it
 * sends to {@link SentMessages}) between the two nodes of a {@link TwoNodes}: ca, where
 * the global registry runs, and cb, a shell node joined to it. The costs the BEAM's primitives have: a send is one
 * message, a whereis none, a register one round trip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrimitiveCountsTest {

  private static final String INSTRUMENTS = "pekko.remote.artery.advanced.instruments.0";
  @TempDir static Path dir;
  private TwoNodes nodes;
  private DistNode a;
  private DistNode b;

  @BeforeAll
  void startNodes() {
    System.setProperty(INSTRUMENTS, SentMessages.class.getName());
    ConfigFactory.invalidateCaches();
    try {
      nodes = new TwoNodes(dir, "ca", "cb");
    } finally {
      System.clearProperty(INSTRUMENTS);
      ConfigFactory.invalidateCaches();
    }
    a = nodes.a;
    b = nodes.b;
    await().atMost(Duration.ofSeconds(30)).until(() -> a.globalNames().inStep() && b.globalNames().inStep());
  }

  @AfterAll
  void stopNodes() {
    nodes.close();
  }

  /** Starts each test when the nodes have sent nothing of the primitives' for half a second. */
  @BeforeEach
  void quiet() {
    await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ofMillis(500)).until(() -> {
      int before = SentMessages.all().size();
      Thread.sleep(500);
      return SentMessages.all().size() == before;
    });
    SentMessages.clear();
  }

  private static List<String> sentTypes() {
    return SentMessages.all().stream().map(SentMessages.Sent::type).toList();
  }

  @Test
  void aSendToAProcessOfAnotherNodeIsOneMessageStraightToIt() {
    Pid shellOfA = on(a, Dist::self);
    for (int i = 0; i < 20; i++) {
      int n = i;
      on(b, () -> Dist.send(shellOfA, n));
    }
    for (int i = 0; i < 20; i++) assertThat(on(a, () -> Dist.receive(Duration.ofSeconds(30)))).isEqualTo(i);
    assertThat(SentMessages.all()).hasSize(20).allSatisfy(s -> {
      assertThat(s.type()).isEqualTo("Deliver");
      assertThat(shellOfA.ref()).contains(s.recipient());
    });
  }

  @Test
  void whereisSendsNothing() {
    Pid shellOfB = on(b, Dist::self);
    assertThat(on(b, () -> Global.registerName("counted", shellOfB))).isTrue();
    // the registration's own messages end after its answer (cb's copy says it applied the change)
    await().atMost(Duration.ofSeconds(10)).until(() -> SentMessages.all().size() >= 4);
    SentMessages.clear();
    for (int i = 0; i < 100; i++) {
      assertThat(on(a, () -> Global.whereisName("counted"))).isEqualTo(shellOfB);
      assertThat(on(b, () -> Global.whereisName("counted"))).isEqualTo(shellOfB);
      assertThat(on(b, () -> Global.whereisName("nobody"))).isNull();
    }
    assertThat(sentTypes()).isEmpty();
    on(b, () -> {
      Global.unregisterName("counted");
      return null;
    });
  }

  @Test
  void aRegistrationFromAnotherNodeThanTheRegistrysIsOneRoundTripAndItsChange() {
    Pid shellOfB = on(b, Dist::self);
    assertThat(on(b, () -> Global.registerName("once", shellOfB))).isTrue();
    // asked; the change for cb's copy and the answer through it; cb's copy says it applied the change
    await().atMost(Duration.ofSeconds(10)).until(() -> SentMessages.all().size() >= 4);
    assertThat(sentTypes()).containsExactlyInAnyOrder("Register", "Change", "Confirm", "Applied");
    assertThat(on(a, () -> Global.whereisName("once"))).isEqualTo(shellOfB); // a's copy had it before cb was answered
    SentMessages.clear();
    on(b, () -> {
      Global.unregisterName("once");
      return null;
    });
    assertThat(on(a, () -> Global.whereisName("once"))).isNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> SentMessages.all().size() >= 4);
    assertThat(sentTypes()).containsExactlyInAnyOrder("Unregister", "Change", "Confirm", "Applied");
  }

  @Test
  void anRpcCallIsOneMessageEachWay() {
    assertThat(on(b, () -> Rpc.call("ca@localhost", () -> 6 * 7, Duration.ofSeconds(10)))).isEqualTo(42);
    assertThat(sentTypes()).containsExactlyInAnyOrder("Call", "Returned");
  }
}
