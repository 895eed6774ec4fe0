package io.postwarden.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's real Postfix, running from a private config/queue/data directory.
 *
 * <p>Every command is run with {@code -c DIR}; nothing under {@code /etc/postfix} is used (Debian's
 * "No configuration" install has no main.cf there). Start is {@code postfix -c DIR start} followed
 * by a wait for the listeners in {@code /proc/net/tcp{,6}}; stop is {@code postfix -c DIR abort}
 * plus a wait for the processes to exit (see {@link #stop()}).
 */
public final class PostfixInstance {

  private static final Pattern RELOAD_LINE =
      Pattern.compile("postfix/master\\[\\d+\\]: reload -- version");

  private final PostfixConfig.Layout layout;
  private final PostfixConfig config;
  private final List<InetSocketAddress> listeners;
  private volatile boolean running;
  private volatile boolean dirty;

  PostfixInstance(PostfixConfig config) {
    this.config = config;
    this.layout = config.layout();
    List<InetSocketAddress> l = new ArrayList<>();
    l.add(new InetSocketAddress(Ports.V4, config.smtpPort()));
    if (config.ipv6()) {
      l.add(new InetSocketAddress(Ports.V6, config.smtpPort()));
    }
    l.add(new InetSocketAddress(Ports.V4, config.submissionPort()));
    for (String address : config.publicAddresses()) {
      l.add(new InetSocketAddress(address, config.smtpPort()));
      l.add(new InetSocketAddress(address, config.submissionPort()));
    }
    this.listeners = List.copyOf(l);
  }

  /** Writes the configuration and starts Postfix; returns once all smtpd listeners are up. */
  void start(Duration timeout) {
    try {
      Files.createDirectories(layout.configDir());
      Files.createDirectories(layout.queueDir());
      Files.createDirectories(layout.dataDir());
      // master creates its lock file here as the mail_owner; "postfix check" does not fix a
      // root-owned dir
      Files.setOwner(
          layout.dataDir(),
          layout
              .dataDir()
              .getFileSystem()
              .getUserPrincipalLookupService()
              .lookupPrincipalByName("postfix"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Workspace.writeBackdated(layout.configDir().resolve("main.cf"), config.mainCf());
    Workspace.writeBackdated(layout.configDir().resolve("master.cf"), config.masterCf());
    Workspace.writeBackdated(layout.configDir().resolve("main.cf.baseline"), config.mainCf());
    Exec.Result r = postfix("start");
    if (!r.ok()) {
      throw new IllegalStateException(
          "postfix start failed: " + r.describe() + "\n--- maillog ---\n" + maillogTail(40));
    }
    running = true;
    Readiness.awaitListening(
        timeout,
        () -> masterPid().isEmpty() ? "postfix master died:\n" + maillogTail(40) : null,
        listeners.toArray(InetSocketAddress[]::new));
    if (config.unixSmtpd()
        && !Readiness.poll(timeout, () -> Files.exists(layout.unixSmtpdSocket()))) {
      throw new IllegalStateException("no unix-socket smtpd at " + layout.unixSmtpdSocket());
    }
  }

  /**
   * Stops Postfix; safe to call twice and from a shutdown hook.
   *
   * <p>Uses {@code postfix -c DIR abort}, which sends the master the same SIGTERM as {@code postfix
   * stop} but skips stop's wait loop (it checks, sleeps a whole second, checks again: 1.2 s per
   * stop); we poll the master and its children ourselves every 20 ms instead, and SIGKILL whatever
   * is left after 5 s.
   */
  void stop() {
    if (!running) {
      return;
    }
    running = false;
    OptionalLong pid = masterPid();
    if (pid.isEmpty()) {
      return;
    }
    List<ProcessHandle> children =
        ProcessHandle.of(pid.getAsLong())
            .map(ph -> ph.children().collect(Collectors.toList()))
            .orElse(List.of());
    try {
      postfix("abort");
    } catch (RuntimeException e) {
      System.err.println("[mailstack] postfix abort: " + e.getMessage());
    }
    if (!Readiness.poll(
        Duration.ofSeconds(5),
        () -> !Daemons.alive(pid.getAsLong()) && children.stream().noneMatch(Daemons::alive))) {
      System.err.println("[mailstack] postfix did not stop within 5 s, killing it");
      Daemons.terminate(pid.getAsLong(), Duration.ZERO);
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  boolean running() {
    return running && masterPid().isPresent();
  }

  public Path configDir() {
    return layout.configDir();
  }

  /** The unix-socket smtpd's socket, when the stack runs one. */
  public Path unixSmtpdSocket() {
    return layout.unixSmtpdSocket();
  }

  public Path queueDir() {
    return layout.queueDir();
  }

  public Path maillogFile() {
    return layout.maillog();
  }

  /** pid of the running master, if any (from {@code queue/pid/master.pid}, checked to be alive). */
  public OptionalLong masterPid() {
    OptionalLong pid = Daemons.readPid(layout.queueDir().resolve("pid/master.pid"));
    return pid.isPresent() && Daemons.alive(pid.getAsLong()) ? pid : OptionalLong.empty();
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Changes main.cf ({@code postconf -e}) and reloads. Each argument is {@code name=value}; an
   * empty value clears a parameter, e.g. {@code postconf("smtpd_milters=", "non_smtpd_milters=")}.
   */
  public void postconf(String... settings) {
    List<String> cmd = new ArrayList<>(List.of("postconf", "-c", configDir().toString(), "-e"));
    cmd.addAll(Arrays.asList(settings));
    Exec.run(cmd).check();
    Workspace.backdate(configDir().resolve("main.cf"));
    dirty = true;
    reload();
  }

  /**
   * {@code postconf -e} and reload, as {@link #postconf}, but main.cf as it then is becomes the
   * start configuration: {@link #resetConfig()} keeps it.
   */
  public void postconfKept(String... settings) {
    postconf(settings);
    try {
      Files.copy(
          configDir().resolve("main.cf"),
          configDir().resolve("main.cf.baseline"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dirty = false;
  }

  /** The value of a main.cf parameter as Postfix sees it ({@code postconf -h}). */
  public String postconfValue(String name) {
    return Exec.run(List.of("postconf", "-c", configDir().toString(), "-h", name))
        .check()
        .stdout()
        .strip();
  }

  /**
   * Writes a lookup table into the config directory and returns its name as {@code texthash:/path},
   * ready for main.cf (texthash needs no postmap and is re-read on reload). Lines are "key value".
   */
  public String writeMap(String fileName, String content) {
    Path file = configDir().resolve(fileName);
    Workspace.writeBackdated(
        file, content.endsWith("\n") || content.isEmpty() ? content : content + "\n");
    return "texthash:" + file;
  }

  /** Restores the main.cf the stack started with, if a test changed it, and reloads. */
  void resetConfig() {
    if (!dirty) {
      return;
    }
    try {
      Files.copy(
          configDir().resolve("main.cf.baseline"),
          configDir().resolve("main.cf"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Workspace.backdate(configDir().resolve("main.cf"));
    dirty = false;
    reload();
  }

  /**
   * {@code postfix reload}, then waits until the master has logged the reload and every process of
   * the old generation has exited, so that the next connection is guaranteed to be served with the
   * new configuration. (A HUP is handled asynchronously; idle old smtpd/cleanup processes exit when
   * master closes their status pipe.)
   */
  public void reload() {
    long pid = masterPid().orElseThrow(() -> new IllegalStateException("postfix is not running"));
    Set<ProcessHandle> old =
        ProcessHandle.of(pid).map(ph -> ph.children().collect(Collectors.toSet())).orElse(Set.of());
    int reloadsBefore = count(RELOAD_LINE, maillog());
    postfix("reload").check();
    if (!Readiness.poll(
        Duration.ofSeconds(10), () -> count(RELOAD_LINE, maillog()) > reloadsBefore)) {
      throw new IllegalStateException("postfix did not log the reload:\n" + maillogTail(20));
    }
    if (!Readiness.poll(Duration.ofSeconds(10), () -> old.stream().noneMatch(Daemons::alive))) {
      System.err.println(
          "[mailstack] after reload, old Postfix processes still busy: "
              + old.stream()
                  .filter(Daemons::alive)
                  .map(p -> p.pid() + " " + Daemons.cmdline(p.pid()))
                  .collect(Collectors.joining(", ")));
    }
  }

  // ---------------------------------------------------------------- queue

  /** A new local submission through sendmail(1). */
  public Sendmail sendmail() {
    return new Sendmail(this);
  }

  /** {@code postqueue -f}: wake pickup (maildrop) and retry all deferred mail now. */
  public void flush() {
    Exec.run(List.of("postqueue", "-c", configDir().toString(), "-f")).check();
  }

  /** The queue as {@code postqueue -j} reports it (maildrop included). */
  public List<QueuedMessage> queue() {
    return QueuedMessage.parse(
        Exec.run(List.of("postqueue", "-c", configDir().toString(), "-j")).check().stdout());
  }

  /**
   * Waits until the queue (maildrop included) is empty; throws with the queue and maillog tail on
   * timeout.
   */
  public void awaitQueueEmpty(Duration timeout) {
    if (!Readiness.poll(timeout, () -> queue().isEmpty())) {
      throw new AssertionError(
          "queue not empty after "
              + timeout
              + ": "
              + queue()
              + "\n--- maillog ---\n"
              + maillogTail(30));
    }
  }

  /** Deletes every queued message ({@code postsuper -d ALL}, maildrop included). */
  public void deleteQueue() {
    Exec.run(List.of("postsuper", "-c", configDir().toString(), "-d", "ALL")).check();
    Exec.run(List.of("postsuper", "-c", configDir().toString(), "-d", "ALL", "maildrop")).check();
  }

  // ---------------------------------------------------------------- log

  /** The whole maillog so far (written by postlogd, a few ms behind events). */
  public String maillog() {
    try {
      return Files.exists(layout.maillog())
          ? Files.readString(layout.maillog(), StandardCharsets.UTF_8)
          : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String maillogTail(int lines) {
    List<String> all = maillog().lines().collect(Collectors.toList());
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * Waits for a maillog line matching {@code regex} (find semantics) and returns the first such
   * line.
   */
  public String awaitMaillog(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    String[] found = new String[1];
    boolean ok =
        Readiness.poll(
            timeout,
            () -> {
              for (String line : maillog().split("\n")) {
                if (p.matcher(line).find()) {
                  found[0] = line;
                  return true;
                }
              }
              return false;
            });
    if (!ok) {
      throw new AssertionError(
          "no maillog line matching /"
              + regex
              + "/ after "
              + timeout
              + "\n--- maillog ---\n"
              + maillogTail(30));
    }
    return found[0];
  }

  // ---------------------------------------------------------------- internals

  private Exec.Result postfix(String command) {
    return Exec.run(List.of("postfix", "-c", configDir().toString(), command));
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /**
   * Kills the master of a crashed run whose instance lived under {@code postfixRoot}, if it is
   * still there.
   */
  static void killLeftover(Path postfixRoot) {
    Path queue = postfixRoot.resolve("queue");
    OptionalLong pid = Daemons.readPid(queue.resolve("pid/master.pid"));
    if (pid.isEmpty() || !Daemons.alive(pid.getAsLong())) {
      return;
    }
    try {
      Path real = queue.toRealPath();
      // the master chdirs to its queue directory: proof that this pid is that instance's master
      if (Daemons.cwd(pid.getAsLong()).filter(real::equals).isPresent()) {
        System.err.println(
            "[mailstack] killing leftover postfix master " + pid.getAsLong() + " of " + queue);
        Daemons.terminate(pid.getAsLong(), Duration.ofSeconds(3));
      }
    } catch (IOException e) {
      // directory vanished meanwhile
    }
  }
}
