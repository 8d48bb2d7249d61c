package todo.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Node names as the BEAM writes them: {@code node1@host}. */
public final class NodeName {

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.-]+");

  private NodeName() {}

  /** {@code --sname node1}: the name on this machine's short host name. */
  public static String fromShortName(String sname) {
    return fromShortName(sname, "--sname");
  }

  /** The same from {@code source} (a flag or an environment variable), which errors name. */
  public static String fromShortName(String sname, String source) {
    if (sname.contains("@")) throw new BadSettings(source + " takes a name without a host: " + sname + " (a full name@host is --name or TODO_NAME)");
    check(sname, source);
    return sname + "@" + shortHostName();
  }

  /** {@code --name node1@host.example}: a full name, checked. */
  public static String fromFullName(String name) {
    return fromFullName(name, "--name");
  }

  public static String fromFullName(String name, String flag) {
    String[] parts = name.split("@", -1);
    if (parts.length != 2) throw new BadSettings(flag + " must look like name@host: " + name);
    check(parts[0], flag);
    check(parts[1], flag);
    return name;
  }

  /** The part before the {@code @}: it names the node's data folder. */
  public static String shortName(String node) {
    return node.substring(0, node.indexOf('@'));
  }

  public static String host(String node) {
    return node.substring(node.indexOf('@') + 1);
  }

  /** This machine's host name up to the first dot, as {@code erl -sname} uses it. */
  public static String shortHostName() {
    try {
      String host = InetAddress.getLocalHost().getHostName();
      int dot = host.indexOf('.');
      return dot > 0 ? host.substring(0, dot) : host;
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static void check(String part, String flag) {
    if (!PART.matcher(part).matches()) {
      throw new BadSettings(flag + " takes letters, digits, '_', '-' and '.', not: " + part);
    }
  }
}
