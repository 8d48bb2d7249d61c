package todo.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
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

  private static final ActorTestKit kit = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString(
      "pekko.actor.serialization-bindings { \"todo.CborSerializable\" = jackson-cbor }"));

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
  }
}
