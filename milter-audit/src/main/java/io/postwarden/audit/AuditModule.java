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
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.module.PolicyModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the guard (first in the chain: it refuses before anything else runs) and the audit tags
 * (last: they record what was decided), sharing one identifier and one audit trail; the identifier
 * is shared with the modules built after this one (the limits count by it).
 */
public final class AuditModule implements PolicyModule {

  private static final Path PROC = Path.of("/proc");
  private static final Path PASSWD = Path.of("/etc/passwd");

  @Override
  public ConfigSchema schema() {
    return AuditKeys.SCHEMA;
  }

  /** The audit key file by start-up's rules; guard-allow-users, which needs the peer lookup. */
  @Override
  public List<String> problems(Config config) {
    List<String> problems = new ArrayList<>();
    keyFileProblem(config).ifPresent(problems::add);
    if (!config.get(AuditKeys.GUARD_ALLOW_USERS).isEmpty() && !config.get(AuditKeys.PEER_LOOKUP)) {
      problems.add(
          AuditKeys.GUARD_ALLOW_USERS.name()
              + ": needs "
              + AuditKeys.PEER_LOOKUP.name()
              + " = yes; without the peer lookup no local client's Unix user is known, so these"
              + " users would be refused like any other");
    }
    return problems;
  }

  /**
   * Opens the audit log named by the configuration (fails when it cannot be written) and adds the
   * guard, when it is on, and the audit tags; closing the tags flushes and closes the log.
   */
  @Override
  public void build(Config config, ChainBuilder chain) throws IOException {
    MeterRegistry registry = chain.registry();
    HeaderSignature signature =
        new HeaderSignature(AuditKey.openOrCreate(config.get(AuditKeys.AUDIT_KEY_FILE)));
    GuardRules rules =
        new GuardRules(
            config.get(AuditKeys.GUARD_ALLOW_ALL),
            config.get(AuditKeys.GUARD_ALLOW_NETWORKS).stream().map(Cidr::parse).toList(),
            Set.copyOf(config.get(AuditKeys.GUARD_ALLOW_USERS)),
            config.get(AuditKeys.GUARD_REPLY));
    GuardMetrics guardMetrics = new GuardMetrics(registry);
    ClientIdentifier identifier = identifier(config, registry);
    AuditTrail trail =
        new AuditTrail(openLog(config, registry), new AuditRecords(Clock.systemUTC()));
    Optional<GuardObserver> guardOff = Optional.empty();
    if (config.get(AuditKeys.GUARD)) {
      chain.add(ChainBuilder.Place.GUARD, new GuardPolicy(rules, identifier, trail, guardMetrics));
    } else {
      // with the guard off, the tags observe for it
      guardOff = Optional.of(new GuardObserver(rules, guardMetrics));
    }
    chain.add(
        ChainBuilder.Place.RECORD,
        new AuditPolicy(
            identifier,
            guardOff,
            new AuditHeader(config.get(AuditKeys.AUDIT_HEADER), Optional.of(signature)),
            trail,
            smarthost(config, registry)));
    chain.share(ClientIdentifier.class, identifier);
  }

  /** Who sent each message, established once per session. */
  private static ClientIdentifier identifier(Config config, MeterRegistry registry) {
    Optional<PeerProcessLookup> peers =
        config.get(AuditKeys.PEER_LOOKUP)
            ? Optional.of(ProcfsPeerLookup.ofThisHost(registry))
            : Optional.empty();
    return new ClientIdentifier(
        LocalAddresses.ofThisHost(),
        peers,
        peers.map(lookup -> new MaildropSubmitterLookup(PROC, PASSWD, lookup)),
        AuditKeys.redactor(config),
        new IdentityMetrics(registry));
  }

  private static AuditLog openLog(Config config, MeterRegistry registry) throws IOException {
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
    return log;
  }

  private static Optional<SmarthostHeader> smarthost(Config config, MeterRegistry registry) {
    Counter copiesDeleted =
        Counter.builder("postwarden.audit.smarthost.header.deleted")
            .description(
                "Copies of the smart-host identity header (smarthost-header-name) that arrived with a message "
                    + "and were deleted: someone trying to pass for another sender")
            .register(registry);
    if (!config.get(AuditKeys.SMARTHOST_HEADER)) {
      return Optional.empty();
    }
    return Optional.of(
        new SmarthostHeader(config.get(AuditKeys.SMARTHOST_HEADER_NAME), copiesDeleted::increment));
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
  private static Optional<String> keyFileProblem(Config config) {
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
}
