package todo.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CookieTest {

  @TempDir Path home;

  @Test
  void theFlagBeatsTheEnvironment() {
    assertThat(Cookie.resolve("flag", Map.of("TODO_COOKIE", "env"), home)).isEqualTo("flag");
    assertThat(Cookie.resolve(null, Map.of("TODO_COOKIE", "env"), home)).isEqualTo("env");
  }

  @Test
  void withoutEitherAFileIsMadeOnceReadableOnlyByItsOwner() throws Exception {
    String first = Cookie.resolve(null, Map.of(), home);
    Path file = home.resolve(".todo.cookie");
    assertThat(first).matches("[A-Z]{20}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("r--------");
    assertThat(Cookie.resolve(null, Map.of(), home)).isEqualTo(first);
  }

  /** Java 17's user.home for a user id without an entry in /etc/passwd (a container's) is "?". */
  @Test
  void theHomeIsHomeWhereJavaKnowsNone() {
    assertThat(Cookie.home("?", Map.of("HOME", "/var/lib/todo"))).isEqualTo(Path.of("/var/lib/todo"));
    assertThat(Cookie.home("/home/todo", Map.of("HOME", "/var/lib/todo"))).isEqualTo(Path.of("/home/todo"));
  }

  @Test
  void anEmptyCookieIsRefused() {
    assertThatThrownBy(() -> Cookie.resolve(" ", Map.of(), home)).isInstanceOf(BadSettings.class);
  }
}
