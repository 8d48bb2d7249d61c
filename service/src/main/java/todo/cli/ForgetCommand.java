package todo.cli;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import todo.node.NodeName;

/**
 * {@code todo forget DEAD@HOST... --node LIVE@HOST}: drops nodes that are gone for good from
 * the replica set, so the survivors can make a majority without them (a change that a
 * majority of the remaining nodes accepts). LIVE's HTTP address
 * is found through its host's port mapper, where every node registers it; the request
 * carries the cluster's admin credential ({@link AdminRequest}).
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = "Drop a dead node from the replica set, through a live node.")
final class ForgetCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "DEAD@HOST", description = "The nodes that are gone for good.")
  java.util.List<String> dead;

  @Option(names = "--node", required = true, paramLabel = "LIVE@HOST", description = "A running node of the cluster.")
  String live;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
      description = "How long to wait for the answer (a majority must agree) (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Mixin CookieOption cookie;

  @Override
  public Integer call() throws Exception {
    for (String node : dead) NodeName.fromFullName(node, "DEAD@HOST");
    Duration wait = AdminRequest.timeout(timeout);
    String secret = cookie.resolve();
    RunningNode node = RunningNode.find(live, "--node");
    HttpResponse<String> answer = AdminRequest.send(node, secret, "POST", "/api/cluster/forget?node=" + String.join(",", dead),
        wait, HttpResponse.BodyHandlers.ofString());
    (answer.statusCode() == 200 ? System.out : System.err).println(
        answer.statusCode() == 200 ? answer.body() : "todo: " + answer.body());
    return answer.statusCode() == 200 ? 0 : ExitCodes.FAILED;
  }
}
