package todo.cli;

import picocli.CommandLine.Option;
import todo.node.Cookie;

/**
 * {@code --cookie} for the commands that talk to a running node: the cookie is found as a
 * node finds its own ({@link Cookie#resolve}), so a command run where the node runs needs no flag.
 */
final class CookieOption {

  @Option(names = "--cookie", paramLabel = "C", description = "The cluster's shared secret (env TODO_COOKIE, else the file TODO_COOKIE_FILE, else ~/.todo.cookie).")
  String cookie;

  String resolve() {
    return Cookie.resolve(cookie, System.getenv(), Cookie.home(System.getenv()));
  }
}
