package io.postwarden.core.policy;

/**
 * A change to the message, returned at end of message (the only stage where Postfix accepts them).
 * Strings are octet strings: each char is one byte (ISO-8859-1), so 8-bit data passes through
 * unaltered.
 */
public sealed interface Modification {

  /** The negotiated capability this change needs; the core refuses changes it did not negotiate. */
  Capability capability();

  /** Milter action bits a policy may need, in the protocol's order. */
  enum Capability {
    ADD_HEADERS(0x01),
    CHANGE_BODY(0x02),
    ADD_RECIPIENTS(0x04),
    DELETE_RECIPIENTS(0x08),
    CHANGE_HEADERS(0x10),
    QUARANTINE(0x20),
    CHANGE_SENDER(0x40);

    private final int bit;

    Capability(int bit) {
      this.bit = bit;
    }

    public int bit() {
      return bit;
    }
  }

  /** Appends a header after the existing ones. */
  record AddHeader(String name, String value) implements Modification {
    public Capability capability() {
      return Capability.ADD_HEADERS;
    }
  }

  /** Inserts a header at {@code position} (0 = first). */
  record InsertHeader(int position, String name, String value) implements Modification {
    public Capability capability() {
      return Capability.ADD_HEADERS;
    }
  }

  /**
   * Replaces the {@code occurrence}-th (1-based) header called {@code name}; an empty value deletes
   * it.
   */
  record ChangeHeader(String name, int occurrence, String value) implements Modification {
    public Capability capability() {
      return Capability.CHANGE_HEADERS;
    }

    public static ChangeHeader delete(String name, int occurrence) {
      return new ChangeHeader(name, occurrence, "");
    }
  }

  /**
   * Replaces the envelope sender; the address only, Postfix honours no ESMTP parameters here that
   * we need.
   */
  record ChangeSender(String address) implements Modification {
    public Capability capability() {
      return Capability.CHANGE_SENDER;
    }
  }

  record AddRecipient(String address) implements Modification {
    public Capability capability() {
      return Capability.ADD_RECIPIENTS;
    }
  }

  record DeleteRecipient(String address) implements Modification {
    public Capability capability() {
      return Capability.DELETE_RECIPIENTS;
    }
  }

  /** Puts the message on hold in Postfix's hold queue. */
  record Quarantine(String reason) implements Modification {
    public Capability capability() {
      return Capability.QUARANTINE;
    }
  }
}
