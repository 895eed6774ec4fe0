package io.postwarden.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long fuzz run against a real daemon (scripts/fuzz-milter): several clients throw the property
 * test's random and mutated milter streams at a listener over TCP, in random read sizes, for a
 * while. Prints what it sent; the script measures the daemon. Arguments: HOST:PORT SECONDS CLIENTS
 * SEED.
 */
public final class MilterFuzzer {

  private final InetSocketAddress target;
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong replies = new AtomicLong();
  private final AtomicLong closed = new AtomicLong();

  private MilterFuzzer(InetSocketAddress target) {
    this.target = target;
  }

  public static void main(String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    long seconds = Long.parseLong(args[1]);
    int clients = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    MilterFuzzer fuzzer =
        new MilterFuzzer(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> running = new ArrayList<>();
    // jqwik generates on one thread at a time
    Iterator<List<byte[]>> samples = MilterProtocolFuzzTest.streams().sampleStream().iterator();
    for (int i = 0; i < clients; i++) {
      Random random = new Random(seed + i);
      running.add(
          pool.submit(
              () -> {
                while (System.nanoTime() < end) {
                  List<byte[]> frames;
                  synchronized (samples) {
                    frames = samples.next();
                  }
                  fuzzer.send(MilterProtocolFuzzTest.stream(frames, random.nextInt(4) > 0), random);
                }
                return null;
              }));
    }
    for (Future<?> client : running) {
      client.get();
    }
    pool.shutdown();
    System.out.printf(
        Locale.ROOT,
        "fuzzed: %d streams, %d frames, %.1f MiB sent, %d reply bytes read, "
            + "%d closed by the daemon before their stream ended%n",
        fuzzer.streams.get(),
        fuzzer.frames.get(),
        fuzzer.bytes.get() / 1048576.0,
        fuzzer.replies.get(),
        fuzzer.closed.get());
  }

  /**
   * One connection: the stream in random read sizes (sometimes one packet per write), then what
   * comes back.
   */
  private void send(byte[] stream, Random random) {
    List<byte[]> writes =
        random.nextBoolean()
            ? MilterProtocolFuzzTest.packets(stream)
            : MilterProtocolFuzzTest.reads(stream, 1 + random.nextInt(70_000));
    streams.incrementAndGet();
    frames.addAndGet(MilterProtocolFuzzTest.packets(stream).size());
    try (Socket socket = new Socket()) {
      socket.connect(target, 2_000);
      socket.setSoTimeout(5);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65_536];
      for (byte[] write : writes) {
        out.write(write);
        bytes.addAndGet(write.length);
        replies.addAndGet(drain(in, buffer));
      }
      replies.addAndGet(drain(in, buffer));
    } catch (IOException closedByTheDaemon) {
      closed.incrementAndGet();
    }
  }

  private static long drain(InputStream in, byte[] buffer) throws IOException {
    long read = 0;
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        read += n;
      }
    } catch (SocketTimeoutException nothingMore) {
      // the daemon waits for more
    }
    return read;
  }
}
