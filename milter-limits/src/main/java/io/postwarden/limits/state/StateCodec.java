package io.postwarden.limits.state;

import io.postwarden.limits.key.KeyKind;
import io.postwarden.limits.rule.Measure;
import io.postwarden.limits.store.SavedKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The limits state file's format: a magic, a version, the time it was written, the keys, and a
 * CRC32 of all of it, so that a truncated or damaged file is refused whole rather than half
 * believed. Per key: kind, name, cool-down and its windows (measure, length, index of the current
 * fixed window, previous and current count), about 100 bytes for a key with three windows. Pure: no
 * I/O.
 *
 * <p>Its size is bounded: names longer than {@link #MAX_NAME_CHARS} and keys with more than {@link
 * #MAX_WINDOWS} windows are not written (no real sender has them; such a key starts from zero after
 * a restart), and the store holds at most {@code limits-max-keys} keys per kind, so a file is never
 * larger than {@link #maxBytes}.
 */
public final class StateCodec {

  static final int MAX_NAME_CHARS = 1024;
  static final int MAX_WINDOWS = 32;
  private static final int MAGIC = 0x50574c53; // "PWLS"
  private static final int VERSION = 1;
  private static final int HEADER_BYTES = 4 + 1 + 8 + 4;
  private static final int TRAILER_BYTES = 4;
  private static final int LONGEST_KIND = 2 + 6;
  private static final int WINDOW_BYTES = 1 + 4 * 8;
  private static final long LONGEST_WINDOW = Duration.ofDays(31).toMillis();

  private StateCodec() {}

  /** The largest file a store of {@code maxKeysPerKind} keys per kind can have written. */
  public static long maxBytes(int maxKeysPerKind) {
    long perKey =
        LONGEST_KIND + 2 + 3L * MAX_NAME_CHARS + 8 + 1 + (long) MAX_WINDOWS * WINDOW_BYTES;
    // each kind may also hold its overflow budget
    return HEADER_BYTES + TRAILER_BYTES + KeyKind.values().length * (maxKeysPerKind + 1L) * perKey;
  }

  public static byte[] encode(long savedAt, List<SavedKey> keys) {
    List<SavedKey> written =
        keys.stream()
            .filter(
                key -> key.name().length() <= MAX_NAME_CHARS && key.windows().size() <= MAX_WINDOWS)
            .toList();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(HEADER_BYTES + 100 * written.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(savedAt);
      out.writeInt(written.size());
      for (SavedKey key : written) {
        out.writeUTF(key.kind().label());
        out.writeUTF(key.name());
        out.writeLong(key.cooldownUntil());
        out.writeByte(key.windows().size());
        for (SavedKey.SavedWindow window : key.windows()) {
          out.writeByte(window.measure() == Measure.MESSAGES ? 'M' : 'R');
          out.writeLong(window.lengthMillis());
          out.writeLong(window.index());
          out.writeLong(window.previous());
          out.writeLong(window.current());
        }
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /** The keys of a file {@link #encode} wrote; throws naming what is wrong with anything else. */
  public static List<SavedKey> decode(byte[] file) throws CorruptStateException {
    if (file.length < HEADER_BYTES + TRAILER_BYTES) {
      throw new CorruptStateException("only " + file.length + " bytes");
    }
    byte[] body = Arrays.copyOf(file, file.length - TRAILER_BYTES);
    CRC32 crc = new CRC32();
    crc.update(body);
    DataInputStream trailer =
        new DataInputStream(new ByteArrayInputStream(file, body.length, TRAILER_BYTES));
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      if (in.readInt() != MAGIC) {
        throw new CorruptStateException("not a Postwarden limits state file");
      }
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new CorruptStateException("format version " + version + ", expected " + VERSION);
      }
      if (trailer.readInt() != (int) crc.getValue()) {
        throw new CorruptStateException("checksum mismatch (damaged or truncated)");
      }
      in.readLong(); // when it was written: for people reading a hex dump
      int count = in.readInt();
      List<SavedKey> keys = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        keys.add(key(in));
      }
      if (in.available() > 0) {
        throw new CorruptStateException(in.available() + " bytes after the last key");
      }
      return keys;
    } catch (EOFException e) {
      throw new CorruptStateException("ends in the middle of a key");
    } catch (CorruptStateException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptStateException("unreadable key: " + e.getMessage());
    }
  }

  private static SavedKey key(DataInputStream in) throws IOException {
    String label = in.readUTF();
    KeyKind kind =
        KeyKind.ofLabel(label)
            .orElseThrow(() -> new CorruptStateException("unknown key kind " + label));
    String name = in.readUTF();
    if (name.length() > MAX_NAME_CHARS || (kind == KeyKind.SERVER) != name.isEmpty()) {
      throw new CorruptStateException("bad " + kind.label() + " key name");
    }
    long cooldownUntil = nonNegative(in.readLong());
    int windowCount = in.readUnsignedByte();
    if (windowCount > MAX_WINDOWS) {
      throw new CorruptStateException(windowCount + " windows for one key");
    }
    List<SavedKey.SavedWindow> windows = new ArrayList<>(windowCount);
    for (int i = 0; i < windowCount; i++) {
      int measure = in.readUnsignedByte();
      if (measure != 'M' && measure != 'R') {
        throw new CorruptStateException("unknown measure " + measure);
      }
      long length = in.readLong();
      if (length < 1000 || length > LONGEST_WINDOW) {
        throw new CorruptStateException("window of " + length + " ms");
      }
      windows.add(
          new SavedKey.SavedWindow(
              measure == 'M' ? Measure.MESSAGES : Measure.RECIPIENTS,
              length,
              nonNegative(in.readLong()),
              nonNegative(in.readLong()),
              nonNegative(in.readLong())));
    }
    return new SavedKey(kind, name, cooldownUntil, windows);
  }

  private static long nonNegative(long value) throws CorruptStateException {
    if (value < 0) {
      throw new CorruptStateException("negative count or time " + value);
    }
    return value;
  }
}
