package todo.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import todo.node.EpmdClient;
import todo.node.NodeName;

/**
 * {@code todo forget DEAD@HOST... --node LIVE@HOST}: drops nodes that are gone for good from
 * the replica set, so the survivors can make a majority without them (a change that a
 * majority of the remaining nodes accepts). LIVE's HTTP address
 * is found through its host's port mapper, where every node registers it.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = "Drop a dead node from the replica set, through a live node.")
final class ForgetCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "DEAD@HOST", description = "The nodes that are gone for good.")
  java.util.List<String> dead;

  @Option(names = "--node", required = true, paramLabel = "LIVE@HOST", description = "A running node of the cluster.")
  String live;

  @Override
  public Integer call() throws Exception {
    for (String node : dead) NodeName.fromFullName(node, "DEAD@HOST");
    NodeName.fromFullName(live, "--node");
    String url = httpUrlOf(live);
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/api/cluster/forget?node=" + String.join(",", dead)))
            .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    (answer.statusCode() == 200 ? System.out : System.err).println(
        answer.statusCode() == 200 ? answer.body() : "todo: " + answer.body());
    return answer.statusCode() == 200 ? 0 : ExitCodes.FAILED;
  }

  /** {@code node}'s HTTP address, from its registration with its host's port mapper. */
  private static String httpUrlOf(String node) {
    EpmdClient epmd = new EpmdClient(EpmdClient.portFromEnv(System.getenv()));
    Optional<EpmdClient.Registration> found;
    try {
      found = epmd.registrationOf(NodeName.host(node), NodeName.shortName(node));
    } catch (IOException e) {
      throw new ExitCodes.Failed("cannot reach the port mapper of " + NodeName.host(node) + ": " + e.getMessage());
    }
    if (found.isEmpty()) {
      throw new ExitCodes.Failed(node + " is not registered with the port mapper of " + NodeName.host(node)
          + " (port " + epmd.port() + "): is it running?");
    }
    String url = new String(found.get().extra(), StandardCharsets.UTF_8);
    if (!url.startsWith("http")) {
      throw new ExitCodes.Failed(node + " is not a todo-cluster node (no HTTP address in its registration)");
    }
    return url;
  }
}
