package todo.beam;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Remote calls, as the BEAM's {@code :rpc}: run a function on one node, or on all, and
 * wait for the results. What the function prints appears on the caller's console.
 */
public final class Rpc {

  private Rpc() {}

  /**
   * The results of a {@link #multicall}: one per node that answered, in the order of
   * {@code nodes} (this node first by default), and the nodes that did not (not connected,
   * gone, too slow, or the function failed there).
   */
  public record Multicall<T>(List<T> results, List<String> badNodes) {}

  /** {@code fn}'s result on {@code node}; an error saying why when there is none ({@code {:badrpc, reason}}). */
  @SuppressWarnings("unchecked")
  public static <T> T call(String node, Fn<T> fn, Duration timeout) {
    DistNode dist = DistNode.current();
    ActorRef<NodeAgent.Command> agent = dist.peers().agentOf(node);
    Payload payload = Payloads.encode(fn);
    NodeAgent.Returned r;
    try {
      r = dist.ask(agent, (ActorRef<NodeAgent.Returned> replyTo) -> new NodeAgent.Call(payload, dist.agent(), replyTo), timeout);
    } catch (DistException noAnswer) {
      throw new DistException("badrpc: " + node + " did not answer within " + timeout.toMillis() + " ms");
    }
    if (r.failure() != null) throw new DistException("badrpc on " + node + ": " + r.failure());
    return (T) read(r.value(), node);
  }

  /** {@code fn} on this node and every other member ({@link Node#list}). */
  public static <T> Multicall<T> multicall(Fn<T> fn, Duration timeout) {
    List<String> nodes = new ArrayList<>();
    nodes.add(Node.self());
    nodes.addAll(Node.list());
    return multicall(nodes, fn, timeout);
  }

  /** {@code fn} on each of {@code nodes}, in parallel, waiting at most {@code timeout} for all. */
  @SuppressWarnings("unchecked")
  public static <T> Multicall<T> multicall(List<String> nodes, Fn<T> fn, Duration timeout) {
    DistNode dist = DistNode.current();
    List<CompletableFuture<NodeAgent.Returned>> answers = new ArrayList<>();
    for (String node : nodes) {
      CompletableFuture<NodeAgent.Returned> a;
      try {
        a = answer(dist, node, fn, timeout).toCompletableFuture();
      } catch (DistException notConnected) {
        a = CompletableFuture.failedFuture(notConnected);
      }
      answers.add(a);
    }
    List<T> results = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        NodeAgent.Returned r = answers.get(i).join();
        if (r.failure() != null) bad.add(nodes.get(i));
        else results.add((T) read(r.value(), nodes.get(i)));
      } catch (RuntimeException noAnswer) {
        bad.add(nodes.get(i));
      }
    }
    return new Multicall<>(List.copyOf(results), List.copyOf(bad));
  }

  private static CompletionStage<NodeAgent.Returned> answer(DistNode dist, String node, Fn<?> fn, Duration timeout) {
    Payload payload = Payloads.encode(fn);
    return dist.<NodeAgent.Command, NodeAgent.Returned>askAsync(dist.peers().agentOf(node),
        r -> new NodeAgent.Call(payload, dist.agent(), r), timeout);
  }

  private static Object read(Payload value, String node) {
    try {
      return Payloads.decode(value);
    } catch (Payloads.Unreadable e) {
      throw new DistException("the result from " + node + " cannot be read here: " + e.getMessage());
    }
  }
}
