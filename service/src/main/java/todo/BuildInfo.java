package todo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and the git commit this node was built from, as the build wrote them in the
 * resource {@code todo/build.properties} (service/pom.xml); "unknown" for what it could not
 * tell (a build outside a git checkout, or from an IDE that skipped that step).
 */
public record BuildInfo(String version, String commit) {

  public static BuildInfo ofThisBuild() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream("/todo/build.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      // told as unknown below
    }
    return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("commit")));
  }

  private static String known(String value) {
    return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value.trim();
  }
}
