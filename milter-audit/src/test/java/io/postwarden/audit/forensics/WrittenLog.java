package io.postwarden.audit.forensics;

import io.postwarden.audit.guard.GuardDecision;
import io.postwarden.audit.identity.ClientIdentity;
import io.postwarden.audit.identity.ClientKind;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.audit.process.PeerLookupResult.Found;
import io.postwarden.audit.process.PeerProcess;
import io.postwarden.audit.process.Submitter;
import io.postwarden.core.policy.MailOrigin;
import io.postwarden.core.testing.TestTransaction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * An audit log written by the real {@link AuditLog} and {@link AuditTrail} at chosen times, rotated
 * as logrotate's shipped rules do (rename to .1, compress the older one: delaycompress).
 */
final class WrittenLog implements AutoCloseable {

  /** A PHP-FPM worker of the site in /home/USER/public_html. */
  static ClientIdentity php(String user, int uid) {
    return php(user, uid, "/home/" + user + "/public_html");
  }

  static ClientIdentity php(String user, int uid, String workingDirectory) {
    return new ClientIdentity(
        ClientKind.LOCAL_TCP,
        Optional.of(
            new Found(
                new PeerProcess(
                    812,
                    uid,
                    user,
                    "/usr/sbin/php-fpm8.2",
                    List.of("php-fpm: pool " + user),
                    false,
                    "php8.2-fpm.service",
                    workingDirectory,
                    false))),
        Optional.empty());
  }

  static ClientIdentity sendmail(String user, int uid) {
    return new ClientIdentity(
        ClientKind.SENDMAIL,
        Optional.empty(),
        Optional.of(new Submitter(uid, user, "/var/spool/postfix/maildrop/4F2A1")));
  }

  static final ClientIdentity REMOTE =
      new ClientIdentity(ClientKind.REMOTE, Optional.empty(), Optional.empty());

  private final Path path;
  private final SettableClock clock = new SettableClock();
  private AuditLog log;
  private AuditTrail trail;

  WrittenLog(Path path) throws IOException {
    this.path = path;
    open();
  }

  private void open() throws IOException {
    log = AuditLog.toFile(path);
    trail = new AuditTrail(log, new AuditRecords(clock));
  }

  Path path() {
    return path;
  }

  /** An accepted message from a local PHP site, at {@code time}; returns its audit id. */
  String accept(
      String time, String queueId, ClientIdentity identity, String sender, String... recipients) {
    clock.now = Instant.parse(time);
    TestTransaction tx =
        TestTransaction.from(sender)
            .to(recipients)
            .client("127.0.0.1", 43210)
            .macro("i", queueId)
            .header("Message-ID", " <" + queueId + "@shop.example>");
    if (identity.kind() == ClientKind.SENDMAIL) {
      tx.origin(MailOrigin.NON_SMTPD);
    }
    return trail.accepted(tx, identity, GuardDecision.ALLOWED_USER);
  }

  String acceptSasl(String time, String queueId, String user, String sender, String... recipients) {
    clock.now = Instant.parse(time);
    TestTransaction tx =
        TestTransaction.from(sender)
            .to(recipients)
            .client("192.0.2.7", 50000)
            .macro("i", queueId)
            .authenticatedAs(user);
    return trail.accepted(tx, REMOTE, GuardDecision.AUTHENTICATED);
  }

  String refuse(String time, ClientIdentity identity, String sender, String... recipients) {
    clock.now = Instant.parse(time);
    return trail.refused(
        TestTransaction.from(sender).to(recipients).client("127.0.0.1", 43210),
        identity,
        GuardDecision.REFUSED);
  }

  /**
   * What logrotate does with the shipped rules: audit.log.N.gz to N+1, audit.log.1 compressed to
   * audit.log.2.gz, audit.log renamed to audit.log.1; the daemon then writes a new audit.log. Each
   * rotated file keeps the time of its last record as its modification time, as it would have in
   * real life.
   */
  void rotate() throws IOException {
    trail.close();
    Files.setLastModifiedTime(path, FileTime.from(clock.now));
    for (int n = 30; n >= 2; n--) {
      Path older = rotated(n, true);
      if (Files.exists(older)) {
        Files.move(older, rotated(n + 1, true));
      }
    }
    Path first = rotated(1, false);
    if (Files.exists(first)) {
      FileTime modified = Files.getLastModifiedTime(first);
      try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(rotated(2, true)))) {
        Files.copy(first, gzip);
      }
      Files.delete(first);
      Files.setLastModifiedTime(rotated(2, true), modified);
    }
    Files.move(path, first);
    open();
  }

  Path rotated(int n, boolean compressed) {
    return path.resolveSibling(path.getFileName() + "." + n + (compressed ? ".gz" : ""));
  }

  /** Writes what is queued and stops writing. */
  @Override
  public void close() throws IOException {
    trail.close();
    Files.setLastModifiedTime(path, FileTime.from(clock.now));
  }

  private static final class SettableClock extends Clock {
    private Instant now = Instant.EPOCH;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
