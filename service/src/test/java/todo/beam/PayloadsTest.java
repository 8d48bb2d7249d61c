package todo.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  record Point(int x, int y) implements Serializable {}

  record Unmarked(int x) {}

  @Test
  void valuesAndLambdasComeBackAsTheyWent() throws Exception {
    assertThat(Payloads.decode(Payloads.encode(List.of("a", new Point(1, 2), new Pid("n@h", "ref"))))).isEqualTo(
        List.of("a", new Point(1, 2), new Pid("n@h", "ref")));
    int captured = 41;
    Fn<Integer> fn = () -> captured + 1;
    assertThat(((Fn<?>) Payloads.decode(Payloads.encode(fn))).call()).isEqualTo(42);
  }

  @Test
  void aValueThatIsNotSerializableIsRefusedByName() {
    assertThatThrownBy(() -> Payloads.encode(new Unmarked(1)))
        .isInstanceOf(DistException.class).hasMessageContaining("todo.beam.PayloadsTest$Unmarked: it is not Serializable");
  }

  @Test
  void classesOfTheClassPathAreNotShipped() {
    assertThat(SnippetClasses.closure(Point.class)).isEmpty();
    assertThat(SnippetClasses.closure(String.class)).isEmpty();
  }

  @Test
  void aClassFileNamesTheClassesItUses() throws Exception {
    byte[] pid;
    try (InputStream in = Pid.class.getResourceAsStream("Pid.class")) {
      pid = in.readAllBytes();
    }
    assertThat(SnippetClasses.referencedClasses(pid)).contains("todo.beam.Pid", "java.lang.Record", "java.lang.String");
    assertThat(SnippetClasses.refersTo(pid, "todo/beam/Pid")).isTrue();
    assertThat(SnippetClasses.refersTo(pid, "todo/beam/Pi")).isFalse(); // a prefix of a name is not the name
  }
}
