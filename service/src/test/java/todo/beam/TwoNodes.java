package todo.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import todo.TestNodes;
import todo.node.ClusterNode;
import todo.node.NodeSettings;

/**
 * Two nodes in this JVM for the primitives' tests: {@link #a} as {@code todo start} runs
 * one (without the to-do parts), the oldest, so the global registry runs there, and
 * {@link #b} a shell node joined to it. {@link #on} runs a call as a process of one of them.
 */
final class TwoNodes implements AutoCloseable {

  final DistNode a;
  final DistNode b;
  private final List<ActorSystem<?>> systems = new ArrayList<>();

  /** Starts {@code first@localhost} and {@code second@localhost}, and returns once second is connected to first. */
  TwoNodes(Path dir, String first, String second) {
    NodeSettings sa = settings(dir, first);
    ActorSystem<Void> one = ClusterNode.start(sa);
    systems.add(one);
    a = DistNode.start(one, sa.node(), n -> false);
    NodeSettings sb = settings(dir, second);
    ActorSystem<Void> two = ClusterNode.startUnjoined(sb);
    systems.add(two);
    b = DistNode.start(two, sb.node(), n -> {
      ClusterNode.join(two, sb, n);
      return true;
    });
    assertThat(on(b, () -> Node.connect(sa.node()))).isTrue();
  }

  private static NodeSettings settings(Path dir, String sname) {
    return new NodeSettings(sname + "@localhost", "127.0.0.1", TestNodes.freePort(), dir, Duration.ofSeconds(60),
        "test-cookie", List.of(), NodeSettings.PortRange.ANY, TestNodes.EPMD_PORT);
  }

  static <T> T on(DistNode node, Callable<T> body) {
    try {
      return DistNode.as(node, body);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (ActorSystem<?> s : systems) {
      CoordinatedShutdown.get(s).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().join();
    }
  }
}
