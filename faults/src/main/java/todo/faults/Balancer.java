package todo.faults;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node a client's request goes to. The campaign's clients pick {@link #anyNode any
 * node}, down or not: meeting dead and paused nodes is part of its test. {@link ByReadiness}
 * is a load balancer with readiness checks, as operators put in front of a cluster: it
 * sends requests only to nodes whose {@code /health/ready} answered 200 at its last check,
 * and sends a request that a node refused to connect (so it never reached the node) to
 * another ready node.
 */
interface Balancer {

  /** The node for the next request. */
  CampaignNode pick(Random random);

  /** The node to send a request to instead of {@code refused}, which refused the connection; null: no other try. */
  CampaignNode instead(CampaignNode refused, Random random);

  /** Any node, at random; a refused connection is the request's outcome. */
  static Balancer anyNode(List<CampaignNode> nodes) {
    return new Balancer() {
      @Override
      public CampaignNode pick(Random random) {
        return nodes.get(random.nextInt(nodes.size()));
      }

      @Override
      public CampaignNode instead(CampaignNode refused, Random random) {
        return null;
      }
    };
  }

  /** A balancer that checks each node's readiness every {@code interval}, on a thread of its own, until closed. */
  final class ByReadiness implements Balancer, AutoCloseable {
    private final List<CampaignNode> nodes;
    private final Set<CampaignNode> ready = ConcurrentHashMap.newKeySet();
    private final Thread checks;
    private volatile boolean open = true;

    ByReadiness(List<CampaignNode> nodes, Duration interval) {
      this.nodes = nodes;
      checkAll();
      checks = new Thread(() -> {
        while (open) {
          try {
            Thread.sleep(interval.toMillis());
          } catch (InterruptedException e) {
            return;
          }
          checkAll();
        }
      }, "balancer-checks");
      checks.setDaemon(true);
      checks.start();
    }

    private void checkAll() {
      for (CampaignNode n : nodes) {
        if (n.ready()) ready.add(n);
        else ready.remove(n);
      }
    }

    @Override
    public CampaignNode pick(Random random) {
      List<CampaignNode> now = nodes.stream().filter(ready::contains).toList();
      // none ready (not expected while a majority runs): any node, whose answer then says why
      return now.isEmpty() ? nodes.get(random.nextInt(nodes.size())) : now.get(random.nextInt(now.size()));
    }

    @Override
    public CampaignNode instead(CampaignNode refused, Random random) {
      ready.remove(refused); // until its next check says otherwise
      List<CampaignNode> others = nodes.stream().filter(n -> n != refused && ready.contains(n)).toList();
      return others.isEmpty() ? null : others.get(random.nextInt(others.size()));
    }

    @Override
    public void close() throws InterruptedException {
      open = false;
      checks.interrupt();
      checks.join();
    }
  }
}
