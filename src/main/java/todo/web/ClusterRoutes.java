package todo.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import todo.node.NodeRoles;

/** What a node knows of the cluster: its own name, the others', where each serves HTTP. */
final class ClusterRoutes extends AllDirectives {

  private final Cluster cluster;
  private final String self;

  ClusterRoutes(ActorSystem<?> system, String self) {
    this.cluster = Cluster.get(system);
    this.self = self;
  }

  Route route() {
    return concat(
        // curl http://localhost:5454/api/cluster
        path(PathMatchers.segment("api").slash("cluster"), () -> get(() -> complete(Responses.json(StatusCodes.OK, describe())))),
        // curl http://localhost:5454/health
        path("health", () -> get(() -> complete(Responses.text(StatusCodes.OK, "ok")))));
  }

  private Map<String, Object> describe() {
    List<String> others = new ArrayList<>();
    Map<String, String> http = new LinkedHashMap<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() != MemberStatus.up() && m.status() != MemberStatus.weaklyUp()) continue;
      String node = NodeRoles.node(m.getRoles()).orElse(m.address().toString());
      if (!node.equals(self)) others.add(node);
      NodeRoles.http(m.getRoles()).ifPresent(url -> http.put(node, url));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("self", self);
    body.put("nodes", others);
    body.put("http", http);
    return body;
  }
}
