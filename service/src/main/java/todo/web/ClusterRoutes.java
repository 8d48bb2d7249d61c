package todo.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import todo.node.BadSettings;
import todo.node.CannotStart;
import todo.node.MemberStates;
import todo.node.Members;
import todo.node.NodeName;
import todo.node.NodeRoles;

/** What a node knows of the cluster: its own name, the others', where each serves HTTP, each one's state. */
final class ClusterRoutes extends Routes {

  private final Cluster cluster;
  private final String self;
  private final ClusterControl control;
  private final MemberStates states;

  private final AdminGate gate;

  ClusterRoutes(ActorSystem<?> system, String self, ClusterControl control, AdminGate gate) {
    this.gate = gate;
    this.cluster = Cluster.get(system);
    this.self = self;
    this.control = control;
    this.states = MemberStates.start(system);
  }

  Route route() {
    // curl http://localhost:5454/api/cluster
    Route members = template("/api/cluster", answerNow(HttpMethods.GET, request -> Responses.json(StatusCodes.OK, describe())));
    // The admin routes answer 401 without the cluster's admin credential (AdminGate); $TODO_ADMIN holds it here.
    // curl -H "Authorization: Bearer $TODO_ADMIN" -d '' 'http://localhost:5454/api/cluster/connect?node=node2@host'
    Route connected = gate.guard(handleSync(request -> connect(Input.query(request))));
    Route connect = template("/api/cluster/connect", method(HttpMethods.POST, () -> connected));
    // curl -H "Authorization: Bearer $TODO_ADMIN" -d '' 'http://localhost:5454/api/cluster/forget?node=node3@host'   (several: node=a@host,b@host)
    Route forgotten = gate.guard(handle(request -> forget(Input.query(request))));
    Route forget = template("/api/cluster/forget", method(HttpMethods.POST, () -> forgotten));
    return concat(
        path(PathMatchers.segment("api").slash("cluster"), () -> members),
        path(PathMatchers.segment("api").slash("cluster").slash("connect"), () -> connect),
        path(PathMatchers.segment("api").slash("cluster").slash("forget"), () -> forget));
  }

  private static String nodeParameter(Map<String, String> params) {
    String node = Input.required(params, "node");
    try {
      return NodeName.fromFullName(node, "node");
    } catch (BadSettings e) {
      throw new BadRequest(e.getMessage());
    }
  }

  private java.util.concurrent.CompletionStage<HttpResponse> forget(Map<String, String> params) {
    List<String> nodes = new ArrayList<>();
    for (String node : Input.required(params, "node").split(",", -1)) {
      try {
        nodes.add(NodeName.fromFullName(node, "node"));
      } catch (BadSettings e) {
        throw new BadRequest(e.getMessage());
      }
    }
    String named = String.join(", ", nodes);
    return control.forget(nodes).thenApply(answer -> answer.equals("forgotten")
        ? Responses.text(StatusCodes.OK, named + (nodes.size() == 1 ? " is" : " are")
            + " forgotten: no longer a replica of any list. Replica set: " + control.replicaSet())
        : Responses.text(StatusCodes.CONFLICT, answer));
  }

  private HttpResponse connect(Map<String, String> params) {
    String node = nodeParameter(params);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("node", node);
    try {
      if (control.connect(node)) {
        body.put("connected", true);
        return Responses.json(StatusCodes.OK, body);
      }
    } catch (BadSettings | CannotStart e) {
      return Responses.text(StatusCodes.CONFLICT, e.getMessage());
    }
    body.put("connected", false);
    body.put("joining", true);
    body.put("note", self + " runs alone, so it starts its cluster member again to join " + node
        + " (HTTP pauses for a moment); GET /api/cluster shows when it is in.");
    return Responses.json(StatusCodes.ACCEPTED, body);
  }

  private Map<String, Object> describe() {
    List<String> others = new ArrayList<>();
    Map<String, String> http = new LinkedHashMap<>();
    for (Member m : Members.up(cluster)) {
      String node = NodeRoles.node(m.getRoles()).orElse(m.address().toString());
      if (!node.equals(self)) others.add(node);
      NodeRoles.http(m.getRoles()).ifPresent(url -> http.put(node, url));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("self", self);
    body.put("nodes", others);
    body.put("http", http);
    todo.store.Configuration replicaSet = control.replicaSet();
    body.put("replicaSet", Map.of("version", replicaSet.version(), "nodes", replicaSet.nodes()));
    // every node seen, by name, with its state now: unreachable ones and removed ones too (the page's panel)
    body.put("members", states.now(Set.copyOf(replicaSet.nodes())));
    return body;
  }
}
