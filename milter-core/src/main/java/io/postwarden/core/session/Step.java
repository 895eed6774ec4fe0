package io.postwarden.core.session;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.nightcode.milter.codec.MilterPacket;

/** What the transport must do after the session handled a command. */
public sealed interface Step {

  /** Send these packets in one write (possibly none). */
  record Reply(List<MilterPacket> packets) implements Step {
    static final Reply NOTHING = new Reply(List.of());
  }

  /**
   * Run {@code work} off the event loop (it calls policies), then hand its result to {@code then}
   * back on the session's thread. Until then the session takes no further command.
   */
  record Consult(Supplier<Evaluation> work, Function<Evaluation, Step> then) implements Step {}

  /** Send these packets, then close the connection. */
  record Close(List<MilterPacket> packets) implements Step {}
}
