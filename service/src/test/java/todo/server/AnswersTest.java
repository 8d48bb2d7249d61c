package todo.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import todo.list.Entry;

/** A list's server's memory of answered requests: by id, and by the name a client gave. */
class AnswersTest {

  private static final TodoServer.Written FIRST =
      new TodoServer.Written(new Entry(1, LocalDate.parse("2018-12-19"), "Dentist", false, 1), 1);

  private final Answers answers = new Answers();

  @Test
  void aRequestSentAgainGetsItsFirstOutcome() {
    answers.put(RequestId.of("k:abc", "d1"), FIRST);

    assertThat(answers.of(RequestId.of("k:abc", "d1"))).isEqualTo(FIRST);
  }

  @Test
  void aClientsNameWithAnotherDigestIsReused() {
    answers.put(RequestId.of("k:abc", "d1"), FIRST);

    assertThat(answers.of(RequestId.of("k:abc", "d2"))).isEqualTo(new TodoServer.Reused(1));
  }

  @Test
  void aRequestNeverSeenIsNotAnswered() {
    answers.put(RequestId.of("k:abc", "d1"), FIRST);

    assertThat(answers.of(RequestId.of("k:abd", "d1"))).isNull();
    assertThat(answers.of("0b6f9e62-8c1f-4f0e-9d57-3f1a2b7c9d10")).isNull();
  }

  @Test
  void aNodesOwnIdIsFoundWhole() {
    answers.put("0b6f9e62-8c1f-4f0e-9d57-3f1a2b7c9d10", FIRST);

    assertThat(answers.of("0b6f9e62-8c1f-4f0e-9d57-3f1a2b7c9d10")).isEqualTo(FIRST);
  }

  @Test
  void onlyTheLatest1000AreKept() {
    for (int i = 0; i <= 1000; i++) answers.put(RequestId.of("k:" + i, "d"), new TodoServer.Written(null, i + 1));

    assertThat(answers.of(RequestId.of("k:0", "d"))).isNull();
    assertThat(answers.of(RequestId.of("k:1", "d"))).isEqualTo(new TodoServer.Written(null, 2));
  }
}
