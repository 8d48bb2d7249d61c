package todo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pid file names a running node only while a JVM runs under its pid. */
class PidFileTest {

  @TempDir
  Path folder;

  @Test
  void noFileNamesNoNode() {
    assertThat(new PidFile(folder.resolve("todo.pid")).running()).isEmpty();
  }

  @Test
  void aJvmsOwnPidNamesARunningNode() throws Exception {
    PidFile file = new PidFile(folder.resolve("todo.pid"));
    file.writeOwn();
    assertThat(Files.readString(file.path())).isEqualTo(ProcessHandle.current().pid() + "\n");
    assertThat(file.running()).contains(ProcessHandle.current().pid());
  }

  @Test
  void thePidOfAProcessThatEndedIsStale() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Path path = Files.writeString(folder.resolve("todo.pid"), ended.pid() + "\n");
    assertThat(new PidFile(path).read()).contains(ended.pid());
    assertThat(new PidFile(path).running()).isEmpty();
  }

  @Test
  void aPidReusedByAProcessThatIsNoJvmIsStale() throws Exception {
    Process sleeping = new ProcessBuilder("sleep", "30").start();
    try {
      Path path = Files.writeString(folder.resolve("todo.pid"), sleeping.pid() + "\n");
      assertThat(new PidFile(path).running()).isEmpty();
    } finally {
      sleeping.destroyForcibly();
    }
  }

  @Test
  void aFileWithoutANumberIsStale() throws Exception {
    Path path = Files.writeString(folder.resolve("todo.pid"), "node1\n");
    assertThat(new PidFile(path).running()).isEmpty();
  }
}
