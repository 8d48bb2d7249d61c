package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import todo.list.Change;
import todo.list.Entry;
import todo.store.Delta;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Stamped;

/** What replicas send each other survives the trip through the cluster's serializer. */
class WireTest {

  private static final ActorTestKit kit = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString("""
      pekko.actor.serializers {
        todo-changes = "todo.db.ChangesSerializer"
        catch-up-deltas = "todo.db.DeltasSerializer"
      }
      pekko.actor.serialization-bindings {
        "todo.CborSerializable" = jackson-cbor
        "todo.db.Replica$StoreChanges" = todo-changes
        "todo.db.Replica$Stored" = todo-changes
        "todo.db.Replica$Deltas" = catch-up-deltas
      }
      """));

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    var serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
    byte[] bytes = serialization.serialize(message).get();
    var serializer = serialization.findSerializerFor(message);
    String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, message);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void positionsDeltasAndRepliesRoundTrip() {
    var positions = new TreeMap<String, Position>();
    positions.put("bob", new Position(3, 7));
    var page = new Replica.Positions("a@h", positions);
    assertThat(roundTrip(page)).isEqualTo(page);

    var delta = new Delta("bob", new Position(1, 2), new Position(3, 7), 5, 0, List.of(new Delta.EpochStart(3, 6)),
        List.of(new Delta.Row(new Entry(4, LocalDate.parse("2018-12-19"), "Dentist", false, 4), false, 6)),
        List.of(new Delta.Request("r1", 6, 4)));
    assertThat(roundTrip(delta)).isEqualTo(delta);

    var reply = new Replica.Reply("a@h", Outcome.DIVERGED, new Position(2, 9), 4, null);
    assertThat(roundTrip(reply)).isEqualTo(reply);

    var stamped = new Stamped(new Change.Remove("bob", 8, 4, "r2"), 3, 3, 0);
    assertThat(roundTrip(stamped)).isEqualTo(stamped);

    var stored = new Replica.Stored(List.of(reply, new Replica.Reply("a@h", null, null, 0, "overloaded")));
    assertThat(roundTrip(stored)).isEqualTo(stored);
  }

  /**
   * Replication's batch and its answer travel in their own small form (ChangesSerializer),
   * every kind of change and reply intact, at well under half of Jackson's CBOR bytes.
   */
  @Test
  void batchesOfChangesAndTheirAnswersRoundTripCompactly() throws Exception {
    var serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
    var day = LocalDate.parse("2018-12-19");
    List<Stamped> changes = new java.util.ArrayList<>();
    for (long v = 1; v <= 100; v++) {
      changes.add(new Stamped(new Change.Put("list-" + v, v, new Entry(v, day, "Dentist " + v, v % 2 == 0, v),
          "k:" + java.util.UUID.randomUUID()), 7, 6, v - 1, 3));
    }
    changes.add(new Stamped(new Change.Remove("bob", 8, 4, null), 3, 3, 0));
    changes.add(new Stamped(new Change.Clear("Ж", 9, "r3"), 3, 3, 0, 2));
    var batch = new Replica.StoreChanges(changes, kit.<Replica.Stored>createTestProbe().ref());
    List<Replica.Reply> replies = new java.util.ArrayList<>();
    for (Stamped c : changes) replies.add(new Replica.Reply("b@localhost", Outcome.APPLIED, c.position(), 7, null, 3));
    replies.add(new Replica.Reply("b@localhost", null, null, 0, "the store of b@localhost is overloaded or closed"));
    var stored = new Replica.Stored(replies);

    var cbor = serialization.serializerFor(todo.CborSerializable.class);
    int cborChanges = 0; // the changes alone, without the list around them and the reply's address
    for (Stamped c : changes) cborChanges += cbor.toBinary(c).length;
    Map<Object, Integer> cborBytes = Map.of(batch, cborChanges, stored, cbor.toBinary(stored).length);
    for (Object message : List.of(batch, stored)) {
      assertThat(serialization.findSerializerFor(message)).isInstanceOf(ChangesSerializer.class);
      assertThat(roundTrip(message)).isEqualTo(message);
      int compact = serialization.serialize(message).get().length;
      assertThat(compact).as("%s: %d bytes, CBOR %d", message.getClass().getSimpleName(), compact, cborBytes.get(message))
          .isLessThan(cborBytes.get(message) / 2);
    }
  }

  /**
   * Catch-up's answer: as many deltas as {@link DeltasSerializer#bytes} lets into
   * {@link Replica#MESSAGE_BYTES} are at most that many bytes on the wire, for short
   * entries and for the longest titles in other alphabets, and come back the same.
   */
  @Test
  void deltasFilledToTheBudgetFitInAMessage() {
    for (String title : List.of("e1", "Ж".repeat(Entry.MAX_TITLE))) {
      int perList = title.length() > 100 ? 5 : 100;
      List<Delta> deltas = new java.util.ArrayList<>();
      int estimated = 0;
      for (int list = 0; ; list++) {
        var d = delta("catchup" + list, perList, title);
        if (!deltas.isEmpty() && estimated + DeltasSerializer.bytes(d) > Replica.MESSAGE_BYTES) break;
        estimated += DeltasSerializer.bytes(d);
        deltas.add(d);
      }
      var answer = new Replica.Deltas(deltas);
      int bytes = serialize(answer).length;
      assertThat(deltas).hasSizeGreaterThan(1);
      assertThat(bytes).as("%d deltas of \"%s...\"", deltas.size(), title.substring(0, 1)).isLessThanOrEqualTo(estimated);
      assertThat(estimated - bytes).as("the estimate's slack").isLessThan(bytes / 4);
      assertThat(roundTrip(answer)).isEqualTo(answer);
    }
  }

  /**
   * What a change costs in catch-up's answer: a short entry (a title of 6 characters), its row
   * and its request id (a UUID), in 37 bytes: a quarter of Jackson's CBOR (145), which names
   * every field of every row and writes the UUID and the date as text (catch-up's answer before).
   */
  @Test
  void aChangeOfAShortEntryTakesAQuarterOfJacksonsBytesInCatchUpsAnswer() {
    List<Delta> deltas = new java.util.ArrayList<>();
    for (int list = 0; list < 10; list++) deltas.add(delta("catchup" + list, 100, "e12345"));
    int compact = serialize(new Replica.Deltas(deltas)).length;
    int jackson = 0;
    for (Delta d : deltas) jackson += serialize(d).length; // Delta is CborSerializable: Jackson's form
    assertThat(compact / 1000.0).as("bytes per change").isBetween(30.0, 40.0);
    assertThat(jackson).as("Jackson's bytes for the same deltas").isGreaterThan(compact * 7 / 2);
  }

  /** Request ids that are not UUIDs (a client's key), deleted rows and a delta whose rows come in a stream travel too. */
  @Test
  void otherRequestIdsTombstonesAndStreamedRowsRoundTrip() {
    var rows = List.of(new Delta.Row(new Entry(1, LocalDate.parse("1969-07-20"), "Moon", true, 7), true, 3),
        new Delta.Row(new Entry(300, LocalDate.parse("2118-12-19"), "", false, -2), false, 1L << 40));
    var requests = List.of(new Delta.Request("client-7.digest", 3, 0),
        new Delta.Request("AAAAAAAA-0000-0000-0000-000000000000", 4, 300), // a UUID, but not in its canonical form
        new Delta.Request(java.util.UUID.randomUUID().toString(), 5, 1));
    var small = new Delta("bob", Position.NONE, new Position(9, 1L << 40), 301, 2, List.of(new Delta.EpochStart(9, 1)), rows, requests);
    assertThat(roundTrip(new Replica.Deltas(List.of(small)))).isEqualTo(new Replica.Deltas(List.of(small)));

    var streamed = delta("big", 100, "e").toSend(kit.system());
    assertThat(streamed.moreRows()).isNotNull();
    var back = ((Replica.Deltas) roundTrip(new Replica.Deltas(List.of(streamed)))).deltas().get(0);
    assertThat(back.received(kit.system()).toCompletableFuture().join())
        .isEqualTo(delta("big", 100, "e"));
  }

  /** A delta of {@code perList} changes, each a new entry titled {@code title} with a request id (a UUID). */
  private static Delta delta(String list, int perList, String title) {
    List<Delta.Row> rows = new java.util.ArrayList<>();
    List<Delta.Request> requests = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(list.hashCode());
    for (long v = 1; v <= perList; v++) {
      rows.add(new Delta.Row(new Entry(v, LocalDate.parse("2018-12-19"), title, v % 3 == 0, v), v % 7 == 0, v + 1));
      requests.add(new Delta.Request(new java.util.UUID(random.nextLong(), random.nextLong()).toString(), v + 1, v));
    }
    return new Delta(list, new Position(1, 1), new Position(2, perList + 1), perList + 1, 0,
        List.of(new Delta.EpochStart(2, 2)), rows, requests);
  }

  private static byte[] serialize(Object message) {
    return SerializationExtension.get(Adapter.toClassic(kit.system())).serialize(message).get();
  }
}
