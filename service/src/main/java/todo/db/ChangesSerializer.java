package todo.db;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import todo.list.Change;
import todo.list.Entry;
import todo.store.Outcome;
import todo.store.Position;
import todo.store.Stamped;

/**
 * The hot pair of replication, {@link Replica.StoreChanges} and its answer {@link Replica.Stored},
 * in a small binary form: fields in a fixed order, numbers in as few bytes as they need,
 * no names, a byte for the kind of change, where Jackson's CBOR spells every field's name
 * in every change and reply. Every
 * other message keeps Jackson. Bound in {@code application.conf}
 * ({@code pekko.actor.serialization-bindings}).
 */
public final class ChangesSerializer extends SerializerWithStringManifest {

  /** Unique among the system's serializers; Pekko keeps 0-40 for its own. */
  static final int ID = 4711;
  private static final String CHANGES = "C";
  private static final String STORED = "S";
  private static final byte PUT = 0;
  private static final byte REMOVE = 1;
  private static final byte CLEAR = 2;

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  public ChangesSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return ID;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Replica.StoreChanges) return CHANGES;
    if (o instanceof Replica.Stored) return STORED;
    throw new IllegalArgumentException("not a batch of changes: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (o instanceof Replica.StoreChanges m) {
        writeString(out, resolver().toSerializationFormat(m.replyTo()));
        writeLong(out, m.changes().size());
        for (Stamped s : m.changes()) write(out, s);
      } else if (o instanceof Replica.Stored m) {
        writeLong(out, m.replies().size());
        for (Replica.Reply r : m.replies()) write(out, r);
      } else {
        throw new IllegalArgumentException("not a batch of changes: " + o.getClass().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      switch (manifest) {
        case CHANGES -> {
          ActorRef<Replica.Stored> replyTo = resolver().resolveActorRef(readString(in));
          int n = (int) readLong(in);
          List<Stamped> changes = new ArrayList<>(n);
          for (int i = 0; i < n; i++) changes.add(readStamped(in));
          return new Replica.StoreChanges(changes, replyTo);
        }
        case STORED -> {
          int n = (int) readLong(in);
          List<Replica.Reply> replies = new ArrayList<>(n);
          for (int i = 0; i < n; i++) replies.add(readReply(in));
          return new Replica.Stored(replies);
        }
        default -> throw new NotSerializableException("unknown manifest '" + manifest + "' for " + getClass().getName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ActorRefResolver resolver() {
    if (resolver == null) resolver = ActorRefResolver.get(Adapter.toTyped(system));
    return resolver;
  }

  private static void write(DataOutputStream out, Stamped s) throws IOException {
    Change c = s.change();
    if (c instanceof Change.Put p) {
      out.writeByte(PUT);
      Entry e = p.entry();
      writeLong(out, e.id());
      writeLong(out, e.date().toEpochDay());
      writeString(out, e.title());
      out.writeBoolean(e.completed());
      writeLong(out, e.order());
    } else if (c instanceof Change.Remove r) {
      out.writeByte(REMOVE);
      writeLong(out, r.id());
    } else {
      out.writeByte(CLEAR);
    }
    writeString(out, c.list());
    writeLong(out, c.version());
    writeString(out, c.request());
    writeLong(out, s.epoch());
    writeLong(out, s.previousEpoch());
    writeLong(out, s.compactThrough());
    writeLong(out, s.replicaSet());
  }

  private static Stamped readStamped(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    Entry entry = null;
    long id = 0;
    if (kind == PUT) {
      entry = new Entry(readLong(in), LocalDate.ofEpochDay(readLong(in)), readString(in), in.readBoolean(), readLong(in));
    } else if (kind == REMOVE) {
      id = readLong(in);
    } else if (kind != CLEAR) {
      throw new IOException("unknown kind of change " + kind);
    }
    String list = readString(in);
    long version = readLong(in);
    String request = readString(in);
    Change change = switch (kind) {
      case PUT -> new Change.Put(list, version, entry, request);
      case REMOVE -> new Change.Remove(list, version, id, request);
      default -> new Change.Clear(list, version, request);
    };
    return new Stamped(change, readLong(in), readLong(in), readLong(in), readLong(in));
  }

  private static void write(DataOutputStream out, Replica.Reply r) throws IOException {
    writeString(out, r.node());
    writeString(out, r.outcome() == null ? null : r.outcome().name());
    out.writeBoolean(r.position() != null);
    if (r.position() != null) {
      writeLong(out, r.position().epoch());
      writeLong(out, r.position().version());
    }
    writeLong(out, r.promised());
    writeString(out, r.problem());
    writeLong(out, r.replicaSet());
  }

  private static Replica.Reply readReply(DataInputStream in) throws IOException {
    String node = readString(in);
    String outcome = readString(in);
    Position position = in.readBoolean() ? new Position(readLong(in), readLong(in)) : null;
    return new Replica.Reply(node, outcome == null ? null : Outcome.valueOf(outcome), position, readLong(in),
        readString(in), readLong(in));
  }

  /** {@code n} in as few bytes as it needs (zigzag, then 7 bits a byte): most are one or two. */
  private static void writeLong(DataOutputStream out, long n) throws IOException {
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.writeByte((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.writeByte((int) z);
  }

  private static long readLong(DataInputStream in) throws IOException {
    long z = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      z |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return (z >>> 1) ^ -(z & 1);
    }
    throw new IOException("a number longer than 64 bits");
  }

  /** Its UTF-8 bytes after their count plus one; 0 for null. */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      writeLong(out, 0);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeLong(out, utf8.length + 1L);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    long n = readLong(in) - 1;
    if (n < 0) return null;
    if (n > in.available()) throw new IOException("a string of " + n + " bytes in a shorter message");
    return new String(in.readNBytes((int) n), StandardCharsets.UTF_8);
  }
}
