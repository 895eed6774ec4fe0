package io.postwarden.it.bench;

import io.postwarden.it.harness.MailStack;
import io.postwarden.it.harness.Ports;
import io.postwarden.it.harness.PostfixSnippets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Messages per second through a real private Postfix 3.7 (queue on tmpfs, every message relayed to
 * {@code smtp-sink}), with {@code smtp-source} as the client running as {@code nobody}: Postfix
 * alone, PostSRSd, a libmilter pass-through, and Postwarden with every policy for a remote-style
 * and a local (process lookup) client. Every message is forwarded (a remote sender to an address
 * that a virtual alias sends to a remote domain), so each SRS setup rewrites every message; the
 * maillog proves it. The setups take turns, round after round, so a machine that gets busier
 * affects them alike. Not a test: run it with {@code scripts/bench}.
 */
public final class PostfixBenchmark {

  private static final String SENDER = "sender@remote-sender.example";
  private static final String FORWARDED = "fwd@" + MailStack.LOCAL_DOMAIN;
  private static final Duration STALL = Duration.ofSeconds(60);

  private final BenchDirectory dir;
  private final MailStack stack;
  private final int sessions;

  private PostfixBenchmark(BenchDirectory dir, MailStack stack, int sessions) {
    this.dir = dir;
    this.stack = stack;
    this.sessions = sessions;
  }

  /**
   * One way of running Postfix; {@code daemon} is the SRS daemon or milter whose CPU is measured.
   */
  private record Setup(
      String key,
      String label,
      Map<String, String> postfixSettings,
      Optional<ExternalDaemon> daemon,
      boolean rewrites) {}

  private record Run(
      double messagesPerSecond,
      double daemonCpuMillisPerMessage,
      double postfixCpuMillisPerMessage) {}

  public static void main(String[] args) throws Exception {
    int messages = Integer.getInteger("bench.messages", 4000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    int sessions = Integer.getInteger("bench.sessions", 16);
    int warmup = Integer.getInteger("bench.warmup", 300);
    BenchDirectory dir = BenchDirectory.fromProperty();
    String machine = Machine.describe();
    System.out.println("machine: " + machine);
    int sinkPort = Ports.freePort();
    MailStack stack =
        MailStack.builder()
            .isolateTests(false)
            .ipv6(false)
            .virtualAlias(FORWARDED, "dest@far-away.example")
            .mainCf("transport_maps", "static:smtp:[127.0.0.1]:" + sinkPort)
            .build();
    try (ExternalDaemon sink = SmtpSink.start(dir, sinkPort);
        stack;
        PostSrsd postsrsd = PostSrsd.start(dir);
        PyMilter pymilter = PyMilter.start(dir)) {
      stack.start();
      dir.recordPid(stack.postfix().masterPid().orElseThrow());
      Files.createDirectories(stack.queueDirectory().resolve("postwarden"));
      Path remoteMtas = dir.write("milter_clients", "0.0.0.0/0 DISABLE\n");
      PostfixSnippets shipped =
          new PostfixSnippets(BenchDirectory.repositoryRoot().resolve("deploy/postfix"));
      Path reverseSkip = shipped.table("srs_reverse_skip", Map.of(), dir.file("srs_reverse_skip"));
      Path forwardSkip =
          shipped.table(
              "srs_forward_skip",
              Map.of("srs\\.example\\.com", "srs\\.test\\.example"),
              dir.file("srs_forward_skip"));
      Path[] skips = {forwardSkip, reverseSkip};
      List<Setup> setups = new ArrayList<>();
      setups.add(new Setup("alone", "Postfix alone", settings(Map.of()), Optional.empty(), false));
      setups.add(
          new Setup(
              "postsrsd",
              "PostSRSd 1.10 (canonical maps)",
              settings(postsrsd.postfixSettings()),
              Optional.of(postsrsd.process()),
              true));
      setups.add(
          new Setup(
              "pymilter",
              "pymilter pass-through",
              milters(pymilter.endpoint(), pymilter.endpoint()),
              Optional.of(pymilter.process()),
              false));
      List<PostwardenDaemon> daemons = new ArrayList<>();
      try {
        Path jar = PostwardenDaemon.jar();
        setups.addAll(postwarden(dir, stack, jar, "", "", daemons, remoteMtas, skips));
        String baseline = System.getProperty("bench.baseline.jar", "");
        if (!baseline.isEmpty()) {
          setups.addAll(
              postwarden(
                  dir, stack, Path.of(baseline), "-baseline", "b", daemons, remoteMtas, skips));
        }
        List<String> only = List.of(System.getProperty("bench.only", "").split(","));
        new PostfixBenchmark(dir, stack, sessions)
            .measure(
                setups.stream()
                    .filter(
                        s ->
                            s.daemon().isEmpty()
                                || only.equals(List.of(""))
                                || only.contains(s.key().replace("-baseline", "")))
                    .toList(),
                messages,
                rounds,
                warmup,
                machine);
      } finally {
        daemons.forEach(PostwardenDaemon::close);
      }
    }
  }

  /**
   * The three Postwarden setups, each daemon built from {@code jar} and listening as the package
   * does (unix sockets in the queue directory); {@code suffix} tells a baseline build's setups
   * apart, {@code socketSuffix} their sockets.
   */
  private static List<Setup> postwarden(
      BenchDirectory dir,
      MailStack stack,
      Path jar,
      String suffix,
      String socketSuffix,
      List<PostwardenDaemon> daemons,
      Path remoteMtas,
      Path[] skips) {
    Path queue = stack.queueDirectory();
    Path postfixConfig = stack.postfix().configDir();
    String label = suffix.isEmpty() ? "" : " [" + jar.getFileName() + "]";
    PostwardenDaemon remote =
        PostwardenDaemon.onUnixSockets(
            dir,
            jar,
            "postwarden-remote" + suffix,
            "r" + socketSuffix,
            postfixConfig,
            "peer-lookup = false\nguard-allow-networks = { \"127.0.0.1/32\" }",
            queue);
    daemons.add(remote);
    PostwardenDaemon local =
        PostwardenDaemon.onUnixSockets(
            dir,
            jar,
            "postwarden-local" + suffix,
            "l" + socketSuffix,
            postfixConfig,
            "peer-lookup = true\nguard-allow-users = { \"nobody\" }",
            queue);
    daemons.add(local);
    // the fast path as deploy/postfix/main.cf-fastpath.snippet ships it: no milter for remote
    // MTAs (here every client, 127.0.0.1 playing the remote MTA), SRS by the canonical maps over
    // socketmap on a unix socket in the queue directory
    String lookupSocket = "postwarden/lookup" + socketSuffix + ".sock";
    PostwardenDaemon fast =
        PostwardenDaemon.onUnixSockets(
            dir,
            jar,
            "postwarden-fast-path" + suffix,
            "f" + socketSuffix,
            postfixConfig,
            "socketmap = { \"unix:"
                + queue.resolve(lookupSocket)
                + "\" }\nsrs-rewrite-in-milter = false\npeer-lookup = false",
            queue);
    daemons.add(fast);
    return List.of(
        new Setup(
            "remote" + suffix,
            "Postwarden, all policies, remote path (no lookup)" + label,
            milters(remote.smtpdEndpoint(), remote.nonSmtpdEndpoint()),
            Optional.of(remote.process()),
            true),
        new Setup(
            "local" + suffix,
            "Postwarden, all policies, local client (process lookup)" + label,
            milters(local.smtpdEndpoint(), local.nonSmtpdEndpoint()),
            Optional.of(local.process()),
            true),
        new Setup(
            "fast" + suffix,
            "Postwarden fast path (socketmap, remote MTA skips the milter)" + label,
            fastPath(fast, lookupSocket, remoteMtas, skips),
            Optional.of(fast.process()),
            true));
  }

  private void measure(List<Setup> setups, int messages, int rounds, int warmup, String machine)
      throws Exception {
    for (Setup setup : setups) {
      run(setup, warmup);
    }
    Map<Setup, List<Run>> runs = new LinkedHashMap<>();
    Map<Setup, List<Double>> ratios = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      double alone = 0;
      for (Setup setup : setups) {
        Run run = run(setup, messages);
        alone = setup.daemon().isEmpty() ? run.messagesPerSecond() : alone;
        runs.computeIfAbsent(setup, s -> new ArrayList<>()).add(run);
        ratios.computeIfAbsent(setup, s -> new ArrayList<>()).add(run.messagesPerSecond() / alone);
        System.out.printf(
            Locale.ROOT,
            "round %d  %-56s %7.1f msg/s  daemon %6.3f ms/msg  postfix %6.3f ms/msg%n",
            round,
            setup.label(),
            run.messagesPerSecond(),
            run.daemonCpuMillisPerMessage(),
            run.postfixCpuMillisPerMessage());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nThrough Postfix: %d messages per run, smtp-source -s %d as nobody, %d rounds "
            + "interleaved, medians. %s%n%n",
        messages,
        sessions,
        rounds,
        machine);
    System.out.println(
        "| setup | msg/s | vs Postfix alone | SRS daemon / milter CPU ms/msg | Postfix CPU ms/msg |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Setup setup : setups) {
      List<Run> measured = runs.get(setup);
      System.out.printf(
          Locale.ROOT,
          "| %s | %.0f | %.2f | %s | %.2f |%n",
          setup.label(),
          Stats.median(measured.stream().map(Run::messagesPerSecond).toList()),
          Stats.median(ratios.get(setup)),
          setup.daemon().isEmpty()
              ? "–"
              : String.format(
                  Locale.ROOT,
                  "%.2f",
                  Stats.median(measured.stream().map(Run::daemonCpuMillisPerMessage).toList())),
          Stats.median(measured.stream().map(Run::postfixCpuMillisPerMessage).toList()));
    }
    System.out.println(
        "\nThe remote path's client is on loopback too: guard-allow-networks lets 127.0.0.1 through, "
            + "so the guard still decides every message, and peer-lookup = false skips the process lookup as for a "
            + "remote client.");
  }

  /**
   * Sends {@code messages} through Postfix configured for {@code setup}; done when the sink has
   * them all.
   */
  private Run run(Setup setup, int messages) throws IOException, InterruptedException {
    stack.postconf(
        setup.postfixSettings().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .toArray(String[]::new));
    long master = stack.postfix().masterPid().orElseThrow();
    long daemonBefore = setup.daemon().map(ExternalDaemon::cpuNanos).orElse(0L);
    long postfixBefore = ProcessCpu.ofTree(master);
    MaillogProgress progress = MaillogProgress.fromEnd(stack.postfix().maillogFile());
    Path sourceLog = dir.file("smtp-source.log");
    long start = System.nanoTime();
    Process source =
        new ProcessBuilder(
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "/usr/sbin/smtp-source",
                "-s",
                Integer.toString(sessions),
                "-m",
                Integer.toString(messages),
                "-l",
                "1024",
                "-S",
                "bench",
                "-M",
                "client.remote-sender.example",
                "-f",
                SENDER,
                "-t",
                FORWARDED,
                "127.0.0.1:" + stack.smtpPort())
            .redirectErrorStream(true)
            .redirectOutput(sourceLog.toFile())
            .start();
    long lastProgress = start;
    int lastCount = 0;
    while (progress.delivered() < messages || source.isAlive()) {
      Thread.sleep(20);
      progress.poll();
      long now = System.nanoTime();
      if (progress.delivered() > lastCount) {
        lastCount = progress.delivered();
        lastProgress = now;
      }
      String failure =
          progress.firstProblem() != null
              ? "maillog: " + progress.firstProblem()
              : now - lastProgress > STALL.toNanos()
                  ? "no delivery for " + STALL.toSeconds() + " s"
                  : !source.isAlive() && source.exitValue() != 0
                      ? "smtp-source exited " + source.exitValue()
                      : null;
      if (failure != null) {
        source.destroy();
        throw new IllegalStateException(
            setup.label()
                + ": "
                + failure
                + " ("
                + progress.delivered()
                + " of "
                + messages
                + " delivered)\n--- smtp-source ---\n"
                + Files.readString(sourceLog)
                + "\n--- maillog ---\n"
                + stack.postfix().maillogTail(15));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long daemonCpu = setup.daemon().map(ExternalDaemon::cpuNanos).orElse(0L) - daemonBefore;
    long postfixCpu = ProcessCpu.ofTree(master) - postfixBefore;
    if (setup.rewrites() && progress.srsSenders() != messages) {
      throw new IllegalStateException(
          setup.label()
              + ": only "
              + progress.srsSenders()
              + " of "
              + messages
              + " senders were SRS-rewritten");
    }
    return new Run(messages / seconds, daemonCpu / 1e6 / messages, postfixCpu / 1e6 / messages);
  }

  /** main.cf for one setup: no milter and no canonical maps, unless {@code own} sets them. */
  private static Map<String, String> settings(Map<String, String> own) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("smtpd_milters", "");
    settings.put("non_smtpd_milters", "");
    settings.put("sender_canonical_maps", "");
    settings.put("recipient_canonical_maps", "");
    settings.put("smtpd_milter_maps", "");
    settings.putAll(own);
    return settings;
  }

  private static Map<String, String> settings(List<String> nameValues) {
    Map<String, String> own = new LinkedHashMap<>();
    nameValues.forEach(
        setting ->
            own.put(
                setting.substring(0, setting.indexOf('=')),
                setting.substring(setting.indexOf('=') + 1)));
    return settings(own);
  }

  private static Map<String, String> fastPath(
      PostwardenDaemon daemon, String lookupSocket, Path clients, Path[] skips) {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("smtpd_milters", daemon.smtpdEndpoint());
    own.put("non_smtpd_milters", daemon.nonSmtpdEndpoint());
    own.put("smtpd_milter_maps", "cidr:" + clients);
    own.put(
        "sender_canonical_maps",
        "regexp:" + skips[0] + ", socketmap:unix:" + lookupSocket + ":forward");
    own.put("sender_canonical_classes", "envelope_sender");
    own.put(
        "recipient_canonical_maps",
        "regexp:" + skips[1] + ", socketmap:unix:" + lookupSocket + ":reverse");
    own.put("recipient_canonical_classes", "envelope_recipient, header_recipient");
    return settings(own);
  }

  private static Map<String, String> milters(String smtpd, String nonSmtpd) {
    return settings(Map.of("smtpd_milters", smtpd, "non_smtpd_milters", nonSmtpd));
  }
}
