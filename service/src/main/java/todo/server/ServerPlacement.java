package todo.server;

import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Map;
import scala.collection.immutable.Set;
import scala.concurrent.Future;
import todo.node.Members;
import todo.node.NodeRoles;

/**
 * Where a list's server runs: on the node its first request came through, as the book's
 * {@code Todo.Cache} starts a server on the node that asks for it first. Sharding places a
 * shard (and with it the servers of every list in it) when a node first asks for it; the
 * node that asks is the one a client's request entered, so with traffic through one node
 * its lists are served there, and a request costs no ask to another node and back.
 *
 * <p>The asking node gets the shard if it is a member that is up, holds data (not a
 * {@code todo shell}) and speaks this node's protocol version; otherwise, Pekko's least-shard
 * strategy picks among the nodes that speak it (the node with fewest shards, not one on its
 * way out). A node of another version leaves at once ({@code todo.node.Protocol}), and is
 * never given a list meanwhile.
 *
 * <p>Never rebalanced: a shard stays where it was placed until its node leaves or fails
 * (then the next node to ask gets it). A move takes the servers away from the node the
 * requests enter, and costs each of its lists a hand-off and a new epoch (a promise from
 * every replica); the load it would even out is small, since every node stores every
 * change whichever node serves the list.
 */
final class ServerPlacement implements ShardCoordinator.ActorSystemDependentAllocationStrategy {

  private static final Future<Set<String>> NOTHING_TO_MOVE = Futures.successful(scala.collection.immutable.Set$.MODULE$.<String>empty());

  // Pekko's default, with its default limits (pekko.cluster.sharding.least-shard-allocation-strategy)
  private final ShardCoordinator.ShardAllocationStrategy leastShards =
      ShardCoordinator.ShardAllocationStrategy$.MODULE$.leastShardAllocationStrategy(0, 0.1);
  private volatile Cluster cluster;

  @Override
  public void start(ActorSystem system) {
    cluster = Cluster.get(system);
    if (leastShards instanceof ShardCoordinator.ActorSystemDependentAllocationStrategy s) s.start(system);
  }

  @Override
  public Future<ActorRef> allocateShard(ActorRef requester, String shard, Map<ActorRef, IndexedSeq<String>> regions) {
    if (regions.contains(requester) && holdsData(member(requester))) return Futures.successful(requester);
    return leastShards.allocateShard(requester, shard, speakingAsThisNode(regions));
  }

  @Override
  public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> regions, Set<String> inProgress) {
    return NOTHING_TO_MOVE;
  }

  /** The member a shard region runs on: a region of this node has a local path, without the node's address. */
  private Optional<Member> member(ActorRef region) {
    Address at = region.path().address().hasLocalScope() ? cluster.selfAddress() : region.path().address();
    return StreamSupport.stream(cluster.state().getMembers().spliterator(), false).filter(m -> m.address().equals(at)).findFirst();
  }

  private boolean holdsData(Optional<Member> m) {
    return speaksAsThisNode(m) && m.filter(Members::isUp).filter(member -> !NodeRoles.isShell(member.getRoles())).isPresent();
  }

  /** The regions on members that speak this node's protocol version. */
  private Map<ActorRef, IndexedSeq<String>> speakingAsThisNode(Map<ActorRef, IndexedSeq<String>> regions) {
    Map<ActorRef, IndexedSeq<String>> same = regions;
    for (var all = regions.keysIterator(); all.hasNext(); ) {
      ActorRef region = all.next();
      if (!speaksAsThisNode(member(region))) same = same.removed(region);
    }
    return same;
  }

  private boolean speaksAsThisNode(Optional<Member> m) {
    return m.filter(member -> NodeRoles.speaksAs(cluster.selfMember(), member)).isPresent();
  }
}
