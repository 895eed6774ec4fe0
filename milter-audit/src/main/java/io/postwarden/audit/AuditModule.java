package io.postwarden.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.audit.guard.Cidr;
import io.postwarden.audit.guard.GuardMetrics;
import io.postwarden.audit.guard.GuardObserver;
import io.postwarden.audit.guard.GuardPolicy;
import io.postwarden.audit.guard.GuardRules;
import io.postwarden.audit.guard.LocalAddresses;
import io.postwarden.audit.identity.ClientIdentifier;
import io.postwarden.audit.identity.IdentityMetrics;
import io.postwarden.audit.journal.AuditJournal;
import io.postwarden.audit.log.AuditLog;
import io.postwarden.audit.log.AuditRecords;
import io.postwarden.audit.log.AuditTrail;
import io.postwarden.audit.process.MaildropSubmitterLookup;
import io.postwarden.audit.process.PeerProcessLookup;
import io.postwarden.audit.process.ProcfsPeerLookup;
import io.postwarden.audit.tag.AuditHeader;
import io.postwarden.audit.tag.AuditKey;
import io.postwarden.audit.tag.AuditPolicy;
import io.postwarden.audit.tag.HeaderSignature;
import io.postwarden.audit.tag.SmarthostHeader;
import io.postwarden.core.config.Config;
import io.postwarden.core.policy.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the guard (first in the chain: it refuses before anything else runs) and the audit tags
 * (last: they record what was decided), sharing one identifier and one audit trail.
 */
public final class AuditModule {

  private static final Path PROC = Path.of("/proc");
  private static final Path PASSWD = Path.of("/etc/passwd");

  private final GuardRules rules;
  private final GuardMetrics guardMetrics;
  private final ClientIdentifier identifier;
  private final AuditTrail trail;
  private final Config config;
  private final HeaderSignature signature;
  private final Counter smarthostCopiesDeleted;

  private AuditModule(
      Config config, MeterRegistry registry, AuditLog log, HeaderSignature signature) {
    this.config = config;
    this.signature = signature;
    this.smarthostCopiesDeleted =
        Counter.builder("postwarden.audit.smarthost.header.deleted")
            .description(
                "Copies of the smart-host identity header (smarthost-header-name) that arrived with a message "
                    + "and were deleted: someone trying to pass for another sender")
            .register(registry);
    this.rules =
        new GuardRules(
            config.get(AuditKeys.GUARD_ALLOW_ALL),
            config.get(AuditKeys.GUARD_ALLOW_NETWORKS).stream().map(Cidr::parse).toList(),
            Set.copyOf(config.get(AuditKeys.GUARD_ALLOW_USERS)),
            config.get(AuditKeys.GUARD_REPLY));
    this.guardMetrics = new GuardMetrics(registry);
    Optional<PeerProcessLookup> peers =
        config.get(AuditKeys.PEER_LOOKUP)
            ? Optional.of(ProcfsPeerLookup.ofThisHost(registry))
            : Optional.empty();
    this.identifier =
        new ClientIdentifier(
            LocalAddresses.ofThisHost(),
            peers,
            peers.map(lookup -> new MaildropSubmitterLookup(PROC, PASSWD, lookup)),
            AuditKeys.redactor(config),
            new IdentityMetrics(registry));
    this.trail = new AuditTrail(log, new AuditRecords(Clock.systemUTC()));
  }

  /**
   * Opens the audit log named by the configuration; fails at start-up when it cannot be written.
   */
  public static AuditModule open(Config config, MeterRegistry registry) throws IOException {
    HeaderSignature signature =
        new HeaderSignature(AuditKey.openOrCreate(config.get(AuditKeys.AUDIT_KEY_FILE)));
    AuditLog log = log(config);
    Counter dropped =
        Counter.builder("postwarden.audit.dropped")
            .description("Audit records lost because the writer could not keep up")
            .register(registry);
    log.reportDropsTo(dropped::increment);
    Counter writeFailures =
        Counter.builder("postwarden.audit.write.failures")
            .description(
                "Audit log writes that failed (full disk, missing directory); the record is kept and retried")
            .register(registry);
    log.reportWriteFailuresTo(writeFailures::increment);
    if (config.get(AuditKeys.AUDIT_JOURNAL)) {
      log.copyEachRecordTo(AuditJournal.to(config.get(AuditKeys.AUDIT_JOURNAL_SOCKET), registry));
    }
    return new AuditModule(config, registry, log, signature);
  }

  /** The audit log the configuration names (also where operator commands record what they did). */
  public static AuditLog log(Config config) throws IOException {
    String target = config.get(AuditKeys.AUDIT_LOG);
    return target.equals("stdout")
        ? AuditLog.toStream(System.out)
        : AuditLog.toFile(Path.of(target));
  }

  /**
   * What start-up would refuse in the audit key file, by the same rules, for {@code config check}.
   * A missing file is no problem: start-up creates it, private.
   */
  public static Optional<String> keyFileProblem(Config config) {
    Path path = config.get(AuditKeys.AUDIT_KEY_FILE);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      AuditKey.read(path);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(AuditKeys.AUDIT_KEY_FILE.name() + ": " + e.getMessage());
    }
  }

  /**
   * Who sent each message, established once per session and shared with other modules (the limits).
   */
  public ClientIdentifier identifier() {
    return identifier;
  }

  public Optional<Policy> guard() {
    return config.get(AuditKeys.GUARD)
        ? Optional.of(new GuardPolicy(rules, identifier, trail, guardMetrics))
        : Optional.empty();
  }

  /**
   * The audit tags; closing it flushes and closes the audit log. With the guard off, they observe
   * for it.
   */
  public Policy audit() {
    Optional<GuardObserver> guardOff =
        config.get(AuditKeys.GUARD)
            ? Optional.empty()
            : Optional.of(new GuardObserver(rules, guardMetrics));
    Optional<SmarthostHeader> smarthost =
        config.get(AuditKeys.SMARTHOST_HEADER)
            ? Optional.of(
                new SmarthostHeader(
                    config.get(AuditKeys.SMARTHOST_HEADER_NAME), smarthostCopiesDeleted::increment))
            : Optional.empty();
    return new AuditPolicy(
        identifier,
        guardOff,
        new AuditHeader(config.get(AuditKeys.AUDIT_HEADER), Optional.of(signature)),
        trail,
        smarthost);
  }
}
