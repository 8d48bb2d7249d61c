package todo.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;

/**
 * The cluster's shared secret, found as the BEAM finds its cookie: {@code --cookie}, else
 * {@code TODO_COOKIE}, else the file {@code TODO_COOKIE_FILE} names (a container's mounted
 * secret: it must exist), else {@code ~/.todo.cookie}, created with 20 random capital letters
 * and mode 0400 on first start, like {@code ~/.erlang.cookie}.
 */
public final class Cookie {

  private Cookie() {}

  public static String resolve(String flag, Map<String, String> env, Path home) {
    if (flag != null) return check(flag, "--cookie");
    if (env.containsKey("TODO_COOKIE")) return check(env.get("TODO_COOKIE"), "TODO_COOKIE");
    if (env.containsKey("TODO_COOKIE_FILE")) {
      Path given = Path.of(env.get("TODO_COOKIE_FILE"));
      try {
        return check(Files.readString(given, StandardCharsets.UTF_8).strip(), "TODO_COOKIE_FILE " + given);
      } catch (IOException e) {
        throw new BadSettings("TODO_COOKIE_FILE: cannot read the cookie file " + given + ": " + ClusterCertificates.reason(e));
      }
    }
    Path file = home.resolve(".todo.cookie");
    try {
      if (!Files.exists(file)) create(file);
      return check(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
    } catch (IOException e) {
      throw new BadSettings("cannot read or create the cookie file " + file + ": " + e.getMessage()
          + " (or give --cookie / TODO_COOKIE)");
    }
  }

  /**
   * The folder of {@code ~/.todo.cookie}: Java's {@code user.home}, or {@code $HOME} where Java
   * 17 has none and says {@code ?}, for a user id without an entry in /etc/passwd (a container
   * run as an arbitrary user, systemd's DynamicUser). Later JDKs fall back to $HOME themselves.
   */
  public static Path home(Map<String, String> env) {
    return home(System.getProperty("user.home"), env);
  }

  static Path home(String userHome, Map<String, String> env) {
    return userHome.equals("?") && env.containsKey("HOME") ? Path.of(env.get("HOME")) : Path.of(userHome);
  }

  private static void create(Path file) throws IOException {
    SecureRandom random = new SecureRandom();
    StringBuilder cookie = new StringBuilder();
    for (int i = 0; i < 20; i++) cookie.append((char) ('A' + random.nextInt(26)));
    Path tmp = Files.createTempFile(file.getParent(), ".todo.cookie", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, cookie, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
    try {
      Files.move(tmp, file); // atomic: two nodes starting at once agree on one cookie
    } catch (FileAlreadyExistsException anotherNodeWon) {
      Files.delete(tmp);
    }
  }

  private static String check(String cookie, String source) {
    if (cookie.isBlank()) throw new BadSettings(source + ": the cookie is empty");
    return cookie;
  }
}
