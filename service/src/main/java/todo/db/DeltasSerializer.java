package todo.db;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.StreamRefResolver;
import todo.list.Entry;
import todo.store.Delta;
import todo.store.Position;

/**
 * Catch-up's answer ({@link Replica.Deltas}) on the wire: CBOR written and read value by value
 * in a fixed order, without the field names Jackson's databinding puts in every row (and
 * without its reflection, a fifth of a catch-up's CPU): a change of a short entry is about
 * 40 bytes instead of 165. A request id that is a UUID travels as its 16 bytes.
 *
 * <p>One delta, in order: list, from (epoch, version), to (epoch, version), next id,
 * compacted; the number of epoch starts, then each (epoch, first version); the number of
 * rows, then each (id, date as its epoch day, title, completed + 2 * deleted, order,
 * version); the number of requests, then each (id: 16 bytes or text, version, entry id);
 * the stream of its remaining rows ({@link StreamRefResolver}'s form) or null.
 */
public final class DeltasSerializer extends SerializerWithStringManifest {

  private static final CBORFactory CBOR = new CBORFactory();
  private static final String MANIFEST = "deltas";

  private final ExtendedActorSystem system;

  public DeltasSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 1101;
  }

  @Override
  public String manifest(Object message) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object message) {
    List<Delta> deltas = ((Replica.Deltas) message).deltas();
    int size = 0;
    for (Delta d : deltas) size += bytes(d);
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 16);
    try (CBORGenerator g = CBOR.createGenerator(out)) {
      g.writeStartArray(); // of no set length: a delta is many values
      for (Delta d : deltas) write(g, d);
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    if (!MANIFEST.equals(manifest)) throw new IllegalArgumentException("not catch-up's deltas: " + manifest);
    try (CBORParser p = CBOR.createParser(bytes)) {
      p.nextToken(); // the array
      List<Delta> deltas = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) deltas.add(read(p));
      return new Replica.Deltas(deltas);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(CBORGenerator g, Delta d) throws IOException {
    g.writeString(d.list());
    for (long n : new long[] {d.from().epoch(), d.from().version(), d.to().epoch(), d.to().version(), d.nextId(), d.compacted()}) {
      g.writeNumber(n);
    }
    g.writeNumber(d.epochs().size());
    for (Delta.EpochStart e : d.epochs()) {
      g.writeNumber(e.epoch());
      g.writeNumber(e.firstVersion());
    }
    g.writeNumber(d.rows().size());
    for (Delta.Row r : d.rows()) {
      Entry e = r.entry();
      g.writeNumber(e.id());
      g.writeNumber(e.date().toEpochDay());
      g.writeString(e.title());
      g.writeNumber((e.completed() ? 1 : 0) + (r.deleted() ? 2 : 0));
      g.writeNumber(e.order());
      g.writeNumber(r.version());
    }
    g.writeNumber(d.requests().size());
    for (Delta.Request r : d.requests()) {
      byte[] uuid = uuid(r.id());
      if (uuid != null) g.writeBinary(uuid);
      else g.writeString(r.id());
      g.writeNumber(r.version());
      g.writeNumber(r.entryId());
    }
    if (d.moreRows() == null) g.writeNull();
    else g.writeString(StreamRefResolver.get(system).toSerializationFormat(d.moreRows()));
  }

  private Delta read(CBORParser p) throws IOException {
    String list = p.getText();
    Position from = new Position(number(p), number(p));
    Position to = new Position(number(p), number(p));
    long nextId = number(p);
    long compacted = number(p);
    List<Delta.EpochStart> epochs = new ArrayList<>();
    for (long i = number(p); i > 0; i--) epochs.add(new Delta.EpochStart(number(p), number(p)));
    List<Delta.Row> rows = new ArrayList<>();
    for (long i = number(p); i > 0; i--) {
      long id = number(p);
      LocalDate date = LocalDate.ofEpochDay(number(p));
      p.nextToken();
      String title = p.getText();
      long flags = number(p);
      long order = number(p);
      long version = number(p);
      rows.add(new Delta.Row(new Entry(id, date, title, (flags & 1) != 0, order), (flags & 2) != 0, version));
    }
    List<Delta.Request> requests = new ArrayList<>();
    for (long i = number(p); i > 0; i--) {
      String id = p.nextToken() == JsonToken.VALUE_EMBEDDED_OBJECT ? uuid(p.getBinaryValue()) : p.getText();
      long version = number(p);
      requests.add(new Delta.Request(id, version, number(p)));
    }
    SourceRef<Delta.Rows> more = p.nextToken() == JsonToken.VALUE_NULL ? null
        : StreamRefResolver.get(system).resolveSourceRef(p.getText());
    return new Delta(list, from, to, nextId, compacted, epochs, rows, requests, more);
  }

  private static long number(CBORParser p) throws IOException {
    p.nextToken();
    return p.getLongValue();
  }

  /** {@code id}'s 16 bytes when it is a UUID in its canonical form (which they give back), else null. */
  private static byte[] uuid(String id) {
    if (!isUuid(id)) return null;
    UUID u = UUID.fromString(id);
    return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
  }

  /** Whether {@code id} is a UUID as {@link UUID#toString} writes it: 8-4-4-4-12 lowercase hex digits. */
  private static boolean isUuid(String id) {
    if (id.length() != 36) return false;
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) return false;
    }
    return true;
  }

  private static String uuid(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new UUID(b.getLong(), b.getLong()).toString();
  }

  // ---- sizes: what a delta takes in this form at most, without encoding it

  /**
   * An upper bound on the bytes {@code d} takes in this form, without encoding it: what
   * catch-up fills a message with, up to {@link Replica#MESSAGE_BYTES}.
   */
  public static int bytes(Delta d) {
    int n = text(d.list()) + number(d.from().epoch()) + number(d.from().version()) + number(d.to().epoch())
        + number(d.to().version()) + number(d.nextId()) + number(d.compacted())
        + number(d.epochs().size()) + number(d.rows().size()) + number(d.requests().size());
    for (Delta.EpochStart e : d.epochs()) n += number(e.epoch()) + number(e.firstVersion());
    for (Delta.Row r : d.rows()) {
      Entry e = r.entry();
      n += number(e.id()) + number(e.date().toEpochDay()) + text(e.title()) + 1 + number(e.order()) + number(r.version());
    }
    for (Delta.Request r : d.requests()) n += (isUuid(r.id()) ? 17 : text(r.id())) + number(r.version()) + number(r.entryId());
    return n + (d.moreRows() == null ? 1 : 1000); // null, or the stream's reference
  }

  /** A CBOR integer's bytes: the head alone up to 23, then 1, 2, 4 or 8 more. */
  private static int number(long v) {
    long m = v < 0 ? -1 - v : v;
    return m < 24 ? 1 : m < 0x100 ? 2 : m < 0x10000 ? 3 : m < 0x1_0000_0000L ? 5 : 9;
  }

  /** A text's bytes at most: its UTF-8 (3 a char at most) and a head for as many (Jackson sizes it so). */
  private static int text(String s) {
    int utf8 = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      utf8 += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return utf8 + number(3L * s.length());
  }
}
