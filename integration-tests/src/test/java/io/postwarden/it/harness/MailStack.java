package io.postwarden.it.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension running a real mail stack for end-to-end tests: a private Postfix, Dovecot as
 * its SASL server and a capturing SMTP sink that receives everything Postfix delivers.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MailStack stack = MailStack.builder()
 *         .milter(() -> "inet:127.0.0.1:" + milterPort)     // or .milter("inet:...") or nothing: no milter
 *         .mynetworks("127.0.0.1/32")
 *         .virtualAlias("alias@test.example", "someone@outside.example")
 *         .build();
 *
 * @Test void relays() {
 *     SmtpResult r = stack.smtp().from("a@outside.example").to("bob@test.example").data("Subject: x\n\nhi\n").send();
 *     assertEquals(250, r.code(), r::toString);
 *     ReceivedMessage m = stack.sink().awaitMessage(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Register it in a {@code static} field for one stack per class (started in beforeAll, stopped
 * in afterAll), or in an instance field for one stack per test. Before each test (unless {@code
 * isolateTests(false)}): a config changed through {@link #postconf} is restored, left-over queued
 * mail is deleted, and the sink is cleared. When a test fails, the maillog tail, the Dovecot log
 * tail and the sink contents are printed to stderr and the workspace is kept (its path is printed);
 * otherwise it is deleted. {@code -Dpostwarden.it.keep=true} always keeps it. A JVM shutdown hook
 * stops Postfix and Dovecot if the JVM exits without afterAll (Ctrl-C, surefire timeout).
 *
 * <p>Domains: {@value #LOCAL_DOMAIN} is "ours" (in mydestination), {@value #REMOTE_DOMAIN} is
 * remote. Both, like everything else, are delivered to the sink. Default SASL users: {@code
 * alice/secret}, {@code bob@test.example/hunter2}.
 */
public final class MailStack
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        TestWatcher,
        AutoCloseable {

  public static final String LOCAL_DOMAIN = "test.example";
  public static final String REMOTE_DOMAIN = "outside.example";
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  static final String POSTFIX_DIR = "postfix";
  static final String DOVECOT_DIR = "dovecot";

  private final Builder settings;
  private Workspace workspace;
  private CapturingSink sink;
  private DovecotSasl sasl;
  private PostfixInstance postfix;
  private RemoteNetwork remote;
  private Thread shutdownHook;
  private boolean started;
  private boolean perTest;
  private boolean failed;
  private int smtpPort;
  private int submissionPort;
  private boolean ipv6;
  private Duration lastStart = Duration.ZERO;
  private String milterInUse;
  private String lastStopTiming = "";
  private String startTiming = "";

  private MailStack(Builder settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts sink, Dovecot and Postfix (in that order). Called by the extension; usable without JUnit
   * too.
   */
  public synchronized void start() {
    if (started) {
      return;
    }
    long t0 = System.nanoTime();
    workspace = Workspace.create();
    shutdownHook = new Thread(this::stopQuietly, "mailstack-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    started = true;
    try {
      ipv6 = settings.ipv6 && Ports.ipv6Available();
      List<String> publicAddresses = new ArrayList<>();
      if (settings.remoteHosts) {
        remote = RemoteNetwork.create(ipv6);
        publicAddresses.add(remote.serverAddress());
        if (ipv6) {
          publicAddresses.add(remote.serverAddressV6());
        }
      }
      List<java.net.InetAddress> smtpAddresses = new ArrayList<>(List.of(Ports.V4));
      if (ipv6) {
        smtpAddresses.add(Ports.V6);
      }
      List<java.net.InetAddress> submissionAddresses = new ArrayList<>(List.of(Ports.V4));
      for (String address : publicAddresses) {
        smtpAddresses.add(java.net.InetAddress.getByName(address));
        submissionAddresses.add(java.net.InetAddress.getByName(address));
      }
      smtpPort = Ports.freePort(smtpAddresses.toArray(java.net.InetAddress[]::new));
      submissionPort = Ports.freePort(submissionAddresses.toArray(java.net.InetAddress[]::new));

      long t1 = System.nanoTime();
      sink = new CapturingSink(Ports.freePort());
      sink.start();
      long t2 = System.nanoTime();
      sasl = new DovecotSasl(workspace.mkdir(DOVECOT_DIR), Ports.freePort(), settings.users);
      sasl.start(settings.startTimeout);
      long t3 = System.nanoTime();

      Map<String, String> main = new LinkedHashMap<>();
      if (settings.mynetworks != null) {
        main.put("mynetworks", settings.mynetworks);
      } else if (remote != null) {
        main.put("mynetworks", "127.0.0.0/8 [::1]/128 " + remote.mailServer().address() + "/32");
      }
      if (settings.myhostname != null) {
        main.put("myhostname", settings.myhostname);
      }
      if (settings.mydestination != null) {
        main.put("mydestination", settings.mydestination);
      }
      PostfixConfig.Layout layout =
          PostfixConfig.Layout.under(workspace.mkdir(POSTFIX_DIR), workspace.root());
      workspace.mkdir(POSTFIX_DIR + "/etc");
      if (!settings.virtualAliasDomains.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        settings.virtualAliasDomains.forEach(d -> sb.append(d).append(" OK\n"));
        main.put(
            "virtual_alias_domains", writeTable(layout, "virtual_alias_domains", sb.toString()));
      }
      if (!settings.virtualAliases.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        settings.virtualAliases.forEach(
            (k, v) -> sb.append(k).append(' ').append(String.join(", ", v)).append('\n'));
        main.put("virtual_alias_maps", writeTable(layout, "virtual_alias", sb.toString()));
      }
      main.putAll(settings.main);
      if (settings.nonSmtpdMilter != null) {
        main.put("non_smtpd_milters", settings.nonSmtpdMilter.get());
      }
      String milter = settings.milter == null ? null : settings.milter.get();
      PostfixConfig config =
          new PostfixConfig(
              layout,
              smtpPort,
              ipv6,
              submissionPort,
              sink.port(),
              sasl.endpoint(),
              milter,
              main,
              settings.smtpOptions,
              settings.submissionOptions,
              settings.unixSmtpd,
              settings.chrootSmtpd,
              publicAddresses);
      postfix = new PostfixInstance(config);
      if (settings.allowNonRootSendmail) {
        AlternateConfigDirs.register(layout.configDir());
      }
      postfix.start(settings.startTimeout);
      milterInUse = milter;
      startTiming =
          String.format(
              "workspace %d ms, sink %d ms, dovecot %d ms, postfix %d ms",
              (t1 - t0) / 1_000_000,
              (t2 - t1) / 1_000_000,
              (t3 - t2) / 1_000_000,
              (System.nanoTime() - t3) / 1_000_000);
    } catch (java.net.UnknownHostException e) {
      failed = true;
      stopQuietly();
      throw new IllegalStateException(e);
    } catch (RuntimeException | Error e) {
      failed = true;
      stopQuietly();
      throw e;
    }
    lastStart = Duration.ofNanos(System.nanoTime() - t0);
    System.err.printf(
        "[mailstack] started in %d ms (%s): smtp 127.0.0.1%s:%d, submission :%d, sink :%d,"
            + " sasl :%d, milter %s, remote network %s, workspace %s%n",
        lastStart.toMillis(),
        startTiming,
        ipv6 ? "+[::1]" : "",
        smtpPort,
        submissionPort,
        sink.port(),
        sasl.port(),
        milterInUse == null ? "none" : milterInUse,
        remote == null ? "none" : remote,
        workspace.root());
  }

  /** Stops everything; keeps the workspace if a test failed or -Dpostwarden.it.keep=true. */
  @Override
  public synchronized void close() {
    if (!started) {
      return;
    }
    long t0 = System.nanoTime();
    stopQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // JVM already shutting down
    }
    boolean keep = failed || Boolean.getBoolean("postwarden.it.keep");
    if (keep) {
      System.err.println("[mailstack] workspace kept: " + workspace.root());
    } else {
      workspace.delete();
    }
    started = false;
    System.err.printf(
        "[mailstack] stopped in %d ms (%s)%n",
        Duration.ofNanos(System.nanoTime() - t0).toMillis(), lastStopTiming);
  }

  private void stopQuietly() {
    // reverse order; each step independent so one failure does not leave the others running
    StringBuilder timing = new StringBuilder();
    if (postfix != null) {
      timed(timing, "postfix", postfix::stop);
      if (settings.allowNonRootSendmail) {
        timed(
            timing,
            "alternate_config_directories",
            () -> AlternateConfigDirs.unregister(postfix.configDir()));
      }
    }
    if (sasl != null) {
      timed(timing, "dovecot", sasl::stop);
    }
    if (sink != null) {
      timed(timing, "sink", sink::stop);
    }
    if (remote != null) {
      timed(timing, "remote network", remote::close);
    }
    lastStopTiming = timing.toString();
  }

  private static void timed(StringBuilder timing, String what, Runnable action) {
    long t0 = System.nanoTime();
    try {
      action.run();
    } catch (RuntimeException e) {
      System.err.println("[mailstack] stopping " + what + ": " + e);
    }
    timing
        .append(timing.length() == 0 ? "" : ", ")
        .append(what)
        .append(' ')
        .append((System.nanoTime() - t0) / 1_000_000)
        .append(" ms");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!started) {
      perTest = true;
      start();
      return;
    }
    if (settings.isolateTests) {
      reset();
    }
  }

  /**
   * Prints diagnostics for a failed test here (not in testFailed, which runs after a per-test stack
   * stopped).
   */
  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      failed = true;
      if (started) {
        System.err.println(diagnostics(context.getDisplayName()));
      }
    }
    if (perTest) {
      close();
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
  }

  /**
   * Restores the start configuration, deletes queued mail and clears the sink (done before each
   * test).
   */
  public void reset() {
    postfix.resetConfig();
    if (!postfix.queue().isEmpty()) {
      // a message of the previous test may still be on its way to the sink: give it a moment first
      if (!Readiness.poll(Duration.ofSeconds(2), () -> postfix.queue().isEmpty())) {
        System.err.println("[mailstack] deleting left-over queued mail: " + postfix.queue());
        postfix.deleteQueue();
      }
    }
    sink.clear();
  }

  /** Maillog tail, Dovecot log tail and sink contents, as printed when a test fails. */
  public String diagnostics(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("===== mailstack diagnostics: ").append(title).append(" =====\n");
    sb.append("workspace: ").append(workspace.root()).append('\n');
    sb.append("--- maillog (last 60 lines) ---\n")
        .append(postfix == null ? "" : postfix.maillogTail(60))
        .append('\n');
    if (sasl != null) {
      List<String> lines = sasl.log().lines().toList();
      sb.append("--- dovecot log (last 15 lines) ---\n")
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())))
          .append('\n');
    }
    if (sink != null) {
      sb.append("--- sink ---\n");
      sink.messages().forEach(m -> sb.append(m).append('\n'));
    }
    if (postfix != null && postfix.running()) {
      try {
        sb.append("--- queue ---\n").append(postfix.queue()).append('\n');
      } catch (RuntimeException e) {
        sb.append("(queue unavailable: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.append("=====").toString();
  }

  // ---------------------------------------------------------------- ports and parts

  /** Port of the port-25-style smtpd on 127.0.0.1. */
  public int smtpPort() {
    return smtpPort;
  }

  /** Port of the port-25-style smtpd on [::1] (the same number as {@link #smtpPort()}). */
  public int smtpPortV6() {
    if (!ipv6) {
      throw new IllegalStateException("no IPv6 listener (::1 unavailable or ipv6(false))");
    }
    return smtpPort;
  }

  public boolean hasIpv6() {
    return ipv6;
  }

  /** Port of the submission smtpd (SASL required) on 127.0.0.1. */
  public int submissionPort() {
    return submissionPort;
  }

  public CapturingSink sink() {
    return sink;
  }

  public DovecotSasl sasl() {
    return sasl;
  }

  public PostfixInstance postfix() {
    return postfix;
  }

  /** How long the last start took. */
  public Duration startDuration() {
    return lastStart;
  }

  public java.nio.file.Path workDir() {
    return workspace.root();
  }

  // ---------------------------------------------------------------- clients

  /** A session with the port-25 smtpd on 127.0.0.1. */
  public SmtpClient smtp() {
    return new SmtpClient("127.0.0.1", smtpPort);
  }

  /** A session with the port-25 smtpd on [::1], from ::1. */
  public SmtpClient smtpV6() {
    return new SmtpClient("::1", smtpPortV6()).localAddress("::1");
  }

  /** A session with the port-25 smtpd over its unix socket; needs {@link Builder#unixSmtpd()}. */
  public SmtpClient smtpOverUnixSocket() {
    if (!settings.unixSmtpd) {
      throw new IllegalStateException("no unix-socket smtpd (Builder.unixSmtpd())");
    }
    return SmtpClient.overUnixSocket(postfix.unixSmtpdSocket());
  }

  /** The remote hosts; needs {@link Builder#remoteHosts()}. */
  public RemoteNetwork remote() {
    if (remote == null) {
      throw new IllegalStateException("no remote hosts (Builder.remoteHosts())");
    }
    return remote;
  }

  /**
   * A session with the port-25 smtpd from a remote host, to this server's address on the remote
   * network.
   */
  public SmtpClient smtpFrom(RemoteNetwork.Host host) {
    return host.smtp(smtpPort);
  }

  /** A session with the submission smtpd from a remote host; add {@code .auth(user, password)}. */
  public SmtpClient submissionFrom(RemoteNetwork.Host host) {
    return host.smtp(submissionPort);
  }

  /**
   * A session with the port-25 smtpd from this host to its own address on the remote network (not
   * loopback), as a local process that connects to the server's public address.
   */
  public SmtpClient smtpToOwnAddress() {
    return new SmtpClient(remote().serverAddress(), smtpPort);
  }

  /**
   * A session with the port-25 smtpd on 127.0.0.1, opened by a process that runs as {@code
   * unixUser}: what a local user's program (a web site's PHP) does, so the peer lookup finds that
   * user.
   */
  public SmtpClient smtpAsUnixUser(String unixUser) {
    return SmtpClient.overProcess(
        List.of(
            "runuser",
            "-u",
            unixUser,
            "--",
            "/usr/bin/python3",
            RemoteNetwork.bridgeScriptIn(workspace.root()).toString(),
            "127.0.0.1",
            "127.0.0.1",
            Integer.toString(smtpPort)));
  }

  /** The same over IPv6. */
  public SmtpClient smtpToOwnAddressV6() {
    return new SmtpClient(remote().serverAddressV6(), smtpPort);
  }

  /** A session with the submission smtpd; add {@code .auth(user, password)}. */
  public SmtpClient submission() {
    return new SmtpClient("127.0.0.1", submissionPort);
  }

  /** A local submission through sendmail(1). */
  public Sendmail sendmail() {
    return postfix.sendmail();
  }

  /**
   * Shorthand: {@code sendmail -f from rcpts...} with the message on stdin; fails unless sendmail
   * exits 0.
   */
  public Sendmail.Result sendmail(String from, String message, String... rcpts) {
    Sendmail.Result r = postfix.sendmail().from(from).to(rcpts).message(message).send();
    if (!r.ok()) {
      throw new AssertionError("sendmail exited " + r.exitCode() + ": " + r.stderr() + r.stdout());
    }
    return r;
  }

  // ---------------------------------------------------------------- postfix operations

  /**
   * {@code postconf -e name=value...} + reload, kept for the following tests (where {@link
   * #postconf} is undone before the next test): how an administrator sets a shipped snippet's
   * lines. For a class's set-up ({@code @BeforeAll}): main.cf as it then is becomes the start
   * configuration.
   */
  public void postconfKept(String... settings) {
    postfix.postconfKept(settings);
  }

  /**
   * {@code postconf -e name=value...} + reload (waits until the new config is in effect). Undone
   * before the next test.
   */
  public void postconf(String... settings) {
    postfix.postconf(settings);
  }

  /**
   * Points smtpd_milters and non_smtpd_milters at {@code endpoint} (null or "" = no milter) and
   * reloads.
   */
  public void useMilter(String endpoint) {
    String e = endpoint == null ? "" : endpoint;
    postfix.postconf("smtpd_milters=" + e, "non_smtpd_milters=" + e);
  }

  /**
   * Points smtpd_milters and non_smtpd_milters at separate endpoints (Postwarden's two listeners)
   * and reloads.
   */
  public void useMilters(String smtpd, String nonSmtpd) {
    postfix.postconf("smtpd_milters=" + smtpd, "non_smtpd_milters=" + nonSmtpd);
  }

  /**
   * Writes a texthash table into the config dir; returns "texthash:/path" for use with {@link
   * #postconf}.
   */
  public String writeMap(String fileName, String content) {
    return postfix.writeMap(fileName, content);
  }

  public void reload() {
    postfix.reload();
  }

  /** {@code postqueue -f}: retries deferred mail and wakes pickup for maildrop. */
  public void flush() {
    postfix.flush();
  }

  public List<QueuedMessage> queue() {
    return postfix.queue();
  }

  public void awaitQueueEmpty() {
    postfix.awaitQueueEmpty(DEFAULT_WAIT);
  }

  public void awaitQueueEmpty(Duration timeout) {
    postfix.awaitQueueEmpty(timeout);
  }

  public String maillog() {
    return postfix.maillog();
  }

  /** queue_directory, where chrooted daemons live and unix: milter names are resolved. */
  public java.nio.file.Path queueDirectory() {
    return postfix.queueDir();
  }

  /** Waits for a maillog line matching {@code regex}; returns it. */
  public String awaitMaillog(String regex) {
    return postfix.awaitMaillog(regex, DEFAULT_WAIT);
  }

  private static String writeTable(PostfixConfig.Layout layout, String name, String content) {
    java.nio.file.Path file = layout.configDir().resolve(name);
    Workspace.writeBackdated(file, content);
    return "texthash:" + file;
  }

  // ---------------------------------------------------------------- builder

  /** Configuration of a {@link MailStack}; every setting is optional. */
  public static final class Builder {
    private Supplier<String> milter;
    private Supplier<String> nonSmtpdMilter;
    private String mynetworks;
    private String myhostname;
    private String mydestination;
    private final List<String> virtualAliasDomains = new ArrayList<>();
    private final Map<String, List<String>> virtualAliases = new LinkedHashMap<>();
    private final Map<String, String> main = new LinkedHashMap<>();
    private final Map<String, String> smtpOptions = new LinkedHashMap<>();
    private final Map<String, String> submissionOptions = new LinkedHashMap<>();
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean ipv6 = true;
    private boolean allowNonRootSendmail;
    private boolean unixSmtpd;
    private boolean chrootSmtpd;
    private boolean remoteHosts;
    private boolean isolateTests = true;
    private Duration startTimeout = Duration.ofSeconds(20);

    private Builder() {
      users.put("alice", "secret");
      users.put("bob@" + LOCAL_DOMAIN, "hunter2");
    }

    /**
     * Milter endpoint for smtpd_milters and non_smtpd_milters, e.g. "inet:127.0.0.1:PORT". Default:
     * none.
     */
    public Builder milter(String endpoint) {
      this.milter = () -> endpoint;
      return this;
    }

    /**
     * Milter endpoint computed when the stack starts (e.g. after the milter under test picked its
     * port).
     */
    public Builder milter(Supplier<String> endpoint) {
      this.milter = endpoint;
      return this;
    }

    /**
     * A separate endpoint for non_smtpd_milters (sendmail(1) via pickup), computed when the stack
     * starts.
     */
    public Builder nonSmtpdMilter(Supplier<String> endpoint) {
      this.nonSmtpdMilter = endpoint;
      return this;
    }

    /**
     * Default "127.0.0.0/8 [::1]/128": every loopback client may relay as far as Postfix is
     * concerned.
     */
    public Builder mynetworks(String value) {
      this.mynetworks = value;
      return this;
    }

    /** Default "mx.test.example" (myorigin and mydomain are test.example). */
    public Builder myhostname(String value) {
      this.myhostname = value;
      return this;
    }

    /** Default "test.example, localhost". Mail for these domains goes to the sink too. */
    public Builder mydestination(String value) {
      this.mydestination = value;
      return this;
    }

    /** Domains listed in a virtual_alias_domains table (must not also be in mydestination). */
    public Builder virtualAliasDomains(String... domains) {
      virtualAliasDomains.addAll(List.of(domains));
      return this;
    }

    /** A virtual_alias_maps entry, e.g. ("alias@test.example", "someone@outside.example"). */
    public Builder virtualAlias(String address, String... targets) {
      virtualAliases.put(address, List.of(targets));
      return this;
    }

    /** Any main.cf parameter; applied last, so it overrides the harness defaults. */
    public Builder mainCf(String name, String value) {
      main.put(name, value);
      return this;
    }

    /** An extra "-o name=value" for the port-25 smtpd services (127.0.0.1 and [::1]). */
    public Builder smtpOption(String name, String value) {
      smtpOptions.put(name, value);
      return this;
    }

    /** An extra "-o name=value" for the submission smtpd. */
    public Builder submissionOption(String name, String value) {
      submissionOptions.put(name, value);
      return this;
    }

    /** Adds a SASL user (besides alice/secret and bob@test.example/hunter2). */
    public Builder saslUser(String user, String password) {
      users.put(user, password);
      return this;
    }

    /** Whether to listen on [::1] too (default true; silently off when ::1 cannot be bound). */
    public Builder ipv6(boolean enabled) {
      this.ipv6 = enabled;
      return this;
    }

    /**
     * Lets {@code sendmail().asUser(..)} work: lists the private config dir in
     * alternate_config_directories of /etc/postfix/main.cf while the stack runs (creating that file
     * if absent, removing it afterwards).
     */
    public Builder allowNonRootSendmail() {
      this.allowNonRootSendmail = true;
      return this;
    }

    /**
     * Also runs the port-25 smtpd (same options) on a unix socket, as a {@code unix} service in
     * master.cf: a client there is not a TCP peer (Postfix reports it as localhost[127.0.0.1],
     * milter family 'U').
     */
    public Builder unixSmtpd() {
      this.unixSmtpd = true;
      return this;
    }

    /**
     * Runs the smtpd services chrooted in the queue directory, as Debian's stock master.cf does
     * (default: not).
     */
    public Builder chrootSmtpd() {
      this.chrootSmtpd = true;
      return this;
    }

    /**
     * Adds remote hosts ({@link RemoteNetwork}): Postfix listens on this server's address there too
     * (port-25 and submission smtpd, same ports), and the network's {@link
     * RemoteNetwork#mailServer()} is in mynetworks unless {@link #mynetworks} says otherwise.
     */
    public Builder remoteHosts() {
      this.remoteHosts = true;
      return this;
    }

    /**
     * Whether to restore config, empty the queue and clear the sink before each test (default
     * true).
     */
    public Builder isolateTests(boolean enabled) {
      this.isolateTests = enabled;
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = timeout;
      return this;
    }

    public MailStack build() {
      return new MailStack(this);
    }
  }
}
