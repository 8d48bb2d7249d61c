import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.japi.function.Function;

/**
 * A bare pekko-http server, the ceiling a node's {@code GET /health} is measured against
 * (bench/http-ceiling.sh): every request is answered "hello" at once, on the product's own
 * Pekko settings (application.conf from the jar: the same pekko.http.server section and
 * dispatcher) without the cluster.
 * Run: java -cp service/target/todo.jar bench/HelloServer.java PORT
 */
public class HelloServer {
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    var config = ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hello", config);
    HttpResponse hello = HttpResponse.create().withEntity("hello");
    Function<HttpRequest, CompletionStage<HttpResponse>> answer = request -> CompletableFuture.completedFuture(hello);
    Http.get(system).newServerAt("127.0.0.1", port)
        .bind(answer)
        .thenAccept(binding -> System.out.println("hello server on " + binding.localAddress().getPort()));
  }
}
