package todo.beam;

import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Process groups, as the BEAM's {@code :pg}: many processes under one name, for pub/sub.
 * Built on Pekko's Receptionist, which spreads each node's members to all nodes (so a
 * join is seen elsewhere a moment later) and drops a process that ends or whose node is
 * removed. A group is named by any value, compared by its {@code toString()}.
 */
public final class Pg {

  private Pg() {}

  public static void join(Object group, Pid pid) {
    DistNode dist = DistNode.current();
    if (dist.processes().isLocal(pid)) joinLocal(dist, key(group), pid);
    else dist.peers().agentOf(pid.node()).tell(new NodeAgent.PgJoin(key(group), pid));
  }

  public static void leave(Object group, Pid pid) {
    DistNode dist = DistNode.current();
    if (dist.processes().isLocal(pid)) leaveLocal(dist, key(group), pid);
    else dist.peers().agentOf(pid.node()).tell(new NodeAgent.PgLeave(key(group), pid));
  }

  /** The group's members on every reachable node. */
  public static List<Pid> getMembers(Object group) {
    DistNode dist = DistNode.current();
    ServiceKey<ProcessActor.Command> key = serviceKey(key(group));
    Receptionist.Listing listing = dist.<Receptionist.Command, Receptionist.Listing>ask(dist.system().receptionist(),
        r -> Receptionist.find(key, r), DistNode.ASK);
    Set<ActorRef<ProcessActor.Command>> refs = listing.getServiceInstances(key);
    java.util.TreeSet<Pid> members = new java.util.TreeSet<>(java.util.Comparator.comparing(Pid::ref));
    refs.stream().map(dist::pidOf).filter(p -> !p.node().equals(dist.name())).forEach(members::add);
    members.addAll(dist.processes().localGroup(key(group)));
    return List.copyOf(members);
  }

  /** The group's members on this node. */
  public static List<Pid> getLocalMembers(Object group) {
    DistNode dist = DistNode.current();
    return dist.processes().localGroup(key(group)).stream().sorted(java.util.Comparator.comparing(Pid::ref)).toList();
  }

  /**
   * This node's members are known here at once (this node's table is the truth for them);
   * the Receptionist tells the other nodes.
   */
  static void joinLocal(DistNode dist, String group, Pid pid) {
    dist.processes().localRef(pid).ifPresent(ref -> {
      dist.processes().joinedLocally(group, pid);
      dist.system().receptionist().tell(Receptionist.register(serviceKey(group), ref));
    });
  }

  static void leaveLocal(DistNode dist, String group, Pid pid) {
    dist.processes().localRef(pid).ifPresent(ref -> {
      dist.processes().leftLocally(group, pid);
      dist.system().receptionist().tell(Receptionist.deregister(serviceKey(group), ref));
    });
  }

  private static ServiceKey<ProcessActor.Command> serviceKey(String group) {
    return ServiceKey.create(ProcessActor.Command.class, "pg:" + group);
  }

  private static String key(Object group) {
    if (group == null) throw new DistException("a group cannot be null");
    return group.toString();
  }
}
