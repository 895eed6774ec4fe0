package io.postwarden.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The SMTP server everything is relayed to: SubEthaSMTP ({@code com.github.davidmoten:subethasmtp})
 * on 127.0.0.1:PORT, accepting every sender and recipient and recording each message.
 *
 * <p>Waiting is by notification, never by fixed sleeps: {@link #awaitMessages(int, Duration)}
 * returns as soon as the n-th message is in. The greeting host name is {@code sink.invalid}, which
 * must differ from Postfix's myhostname or Postfix reports "mail for ... loops back to myself".
 */
public final class CapturingSink {

  private final int port;
  private final List<ReceivedMessage> messages = new ArrayList<>();
  private SMTPServer server;

  CapturingSink(int port) {
    this.port = port;
  }

  void start() {
    server =
        SMTPServer.port(port)
            .bindAddress(Ports.V4)
            .hostName("sink.invalid")
            .insertReceivedHeaders(false)
            .messageHandlerFactory(this::handler)
            .build();
    server.start();
  }

  void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  public int port() {
    return port;
  }

  /** Snapshot of everything received since the last {@link #clear()}, in arrival order. */
  public synchronized List<ReceivedMessage> messages() {
    return List.copyOf(messages);
  }

  public synchronized void clear() {
    messages.clear();
  }

  /**
   * Waits until at least {@code n} messages are in; returns all of them. Throws AssertionError on
   * timeout.
   */
  public List<ReceivedMessage> awaitMessages(int n, Duration timeout) {
    return await(m -> m.size() >= n, timeout, "at least " + n + " message(s)");
  }

  /** Waits for exactly one message and returns it. */
  public ReceivedMessage awaitMessage(Duration timeout) {
    List<ReceivedMessage> all = awaitMessages(1, timeout);
    if (all.size() != 1) {
      throw new AssertionError("expected exactly one message, got " + all);
    }
    return all.get(0);
  }

  /** Waits for a message matching {@code condition}. */
  public ReceivedMessage awaitMessage(Predicate<ReceivedMessage> condition, Duration timeout) {
    List<ReceivedMessage> all =
        await(m -> m.stream().anyMatch(condition), timeout, "a matching message");
    return all.stream().filter(condition).findFirst().orElseThrow();
  }

  private synchronized List<ReceivedMessage> await(
      Predicate<List<ReceivedMessage>> done, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(messages)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "sink: expected " + what + " within " + timeout + ", got " + messages);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    return List.copyOf(messages);
  }

  private synchronized void add(ReceivedMessage m) {
    messages.add(m);
    notifyAll();
  }

  private MessageHandler handler(MessageContext ctx) {
    SocketAddress remote = ctx.getRemoteAddress();
    String client =
        remote instanceof InetSocketAddress isa
            ? isa.getAddress().getHostAddress()
            : String.valueOf(remote);
    return new MessageHandler() {
      private String from;
      private final List<String> rcpts = new ArrayList<>();

      @Override
      public void from(String address) {
        from = address;
      }

      @Override
      public void recipient(String address) {
        rcpts.add(address);
      }

      @Override
      public String data(InputStream data) throws IOException {
        add(new ReceivedMessage(from, rcpts, data.readAllBytes(), client));
        return null;
      }

      @Override
      public void done() {
        // one handler per transaction: nothing to release
      }
    };
  }
}
