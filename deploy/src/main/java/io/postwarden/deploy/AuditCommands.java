package io.postwarden.deploy;

import io.postwarden.audit.AuditKeys;
import io.postwarden.audit.forensics.AuditLogReader;
import io.postwarden.audit.forensics.AuditRecord;
import io.postwarden.audit.forensics.HeaderCheck;
import io.postwarden.audit.forensics.MessageParts;
import io.postwarden.audit.forensics.RecordGroups;
import io.postwarden.audit.forensics.RecordQuery;
import io.postwarden.audit.forensics.RecordText;
import io.postwarden.audit.forensics.ReportKeys;
import io.postwarden.audit.forensics.SiteRoots;
import io.postwarden.audit.forensics.TimeBound;
import io.postwarden.audit.forensics.TopSenders;
import io.postwarden.audit.tag.AuditHeader;
import io.postwarden.audit.tag.AuditKey;
import io.postwarden.audit.tag.HeaderSignature;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postwarden audit show | find | search | top}: the audit log read back, with its rotated
 * and compressed files. Read-only; the log is root's and postwarden's, so run as either.
 */
@Command(
    name = "audit",
    description =
        "Read the audit log: one message's record, the records of a reported "
            + "message, searches, top senders.",
    subcommands = {
      AuditCommands.Show.class,
      AuditCommands.Find.class,
      AuditCommands.Search.class,
      AuditCommands.Top.class
    })
final class AuditCommands {

  /**
   * Where the package puts the configuration; read when no -c is given, as these commands need the
   * log's path.
   */
  static final Path PACKAGED_CONFIG = Path.of("/etc/postwarden/postwarden.conf");

  /**
   * The audit header given is not ours as it stands: its signature fails, or it contradicts its
   * record.
   */
  static final int EXIT_NOT_OURS = 1;

  private AuditCommands() {}

  abstract static class LogCommand implements Callable<Integer> {

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description =
            "Configuration file naming the audit log (default: /etc/postwarden/postwarden.conf when it "
                + "exists).")
    Path config;

    @Option(
        names = "--log",
        paramLabel = "FILE",
        description =
            "The audit log, instead of the configuration's "
                + "audit-log; its rotated files (FILE.1, FILE.2.gz, FILE-DATE.gz) are read too.")
    Path log;

    @Option(
        names = "--json",
        description = "Print records as the log holds them: one JSON object a line.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    final Clock clock = Clock.systemDefaultZone();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Path file;
      try {
        file = logFile();
      } catch (ConfigException | IllegalArgumentException e) {
        err.println("postwarden: " + e.getMessage());
        return Main.EXIT_CONFIG;
      }
      try {
        AuditLogReader reader = AuditLogReader.of(file);
        if (reader.files().isEmpty()) {
          err.println("postwarden: no audit log at " + file);
          return Main.EXIT_UNAVAILABLE;
        }
        return run(reader, spec.commandLine().getOut(), err);
      } catch (IllegalArgumentException e) {
        err.println("postwarden: " + e.getMessage());
        return CommandLine.ExitCode.USAGE;
      } catch (IOException e) {
        err.println("postwarden: " + e.getMessage());
        return Main.EXIT_UNAVAILABLE;
      }
    }

    abstract int run(AuditLogReader reader, PrintWriter out, PrintWriter err) throws IOException;

    Config settings() throws ConfigException {
      return Main.load(
          config != null ? config : Files.exists(PACKAGED_CONFIG) ? PACKAGED_CONFIG : null);
    }

    /**
     * The configuration's header signature; empty, with the reason on stderr, when its key cannot
     * be read.
     */
    Optional<HeaderSignature> signature(PrintWriter err) {
      try {
        return Optional.of(
            new HeaderSignature(AuditKey.read(settings().get(AuditKeys.AUDIT_KEY_FILE))));
      } catch (IOException | ConfigException e) {
        err.println("postwarden: the signature cannot be checked: " + e.getMessage());
        return Optional.empty();
      }
    }

    /**
     * Checks a report's audit header: its signature, then its claims against the records found by
     * its id. Returns whether it is ours as it stands (signed by us, agreeing with its record).
     */
    boolean checkHeader(
        String header, List<AuditRecord> records, PrintWriter out, PrintWriter err) {
      HeaderCheck check = HeaderCheck.parse(header);
      boolean ours = true;
      Optional<HeaderSignature> signature = signature(err);
      if (signature.isPresent()) {
        HeaderSignature.Verdict verdict =
            signature.get().verify(header.replaceFirst("(?i)^\\s*" + AuditHeader.NAME + ":", ""));
        out.println("header: " + HeaderCheck.describe(verdict));
        ours = verdict == HeaderSignature.Verdict.VALID;
      }
      for (AuditRecord record : records) {
        for (String disagreement : check.disagreements(record)) {
          out.println("header and record disagree: " + disagreement);
          ours = false;
        }
      }
      return ours;
    }

    private Path logFile() throws ConfigException {
      if (log != null) {
        return log;
      }
      Config settings = settings();
      Path file = config != null ? config : Files.exists(PACKAGED_CONFIG) ? PACKAGED_CONFIG : null;
      String target = settings.get(AuditKeys.AUDIT_LOG);
      if (target.equals("stdout")) {
        throw new IllegalArgumentException(
            (file == null ? "the built-in configuration" : file.toString())
                + " writes the audit log to stdout: name the file with --log FILE or -c CONFIG");
      }
      return Path.of(target);
    }

    /** Reads, then says on stderr what was read and which lines were no record. */
    AuditLogReader.Summary read(
        AuditLogReader reader, RecordQuery query, Consumer<AuditRecord> out, PrintWriter err)
        throws IOException {
      AuditLogReader.Summary summary = reader.read(query, out);
      if (summary.unreadable() > 0) {
        err.println(
            "postwarden: "
                + summary.unreadable()
                + " line(s) are no audit record, first "
                + summary.firstUnreadable().orElse(""));
      }
      return summary;
    }

    void print(PrintWriter out, AuditRecord record, boolean full) {
      if (json || !full) {
        out.println(json ? record.line() : RecordText.summary(record));
      } else {
        out.print(RecordText.of(record));
      }
    }
  }

  @Command(
      name = "show",
      description =
          "The whole record of one message, by audit id or Postfix queue id; given "
              + "a whole X-Postwarden-Audit header, also whether this server wrote it as it stands.")
  static final class Show extends LogCommand {

    @Parameters(
        paramLabel = "ID|QUEUEID|HEADER",
        description =
            "An audit id, a queue id, or an X-Postwarden-Audit "
                + "header value (quoted), e.g. 'id=…; sasl=alice; sig=…'.")
    String id;

    @Override
    int run(AuditLogReader reader, PrintWriter out, PrintWriter err) throws IOException {
      boolean header = HeaderCheck.looksLikeHeader(id);
      String wanted = header ? HeaderCheck.parse(id).id().orElse("") : id.strip();
      List<AuditRecord> found = new ArrayList<>();
      read(reader, new RecordQuery().auditOrQueueId(wanted), found::add, err);
      boolean ours = !header || checkHeader(id, found, out, err);
      if (found.isEmpty()) {
        err.println(
            "postwarden: no record with audit id or queue id "
                + RecordText.escape(wanted)
                + " in "
                + reader.files().size()
                + " file(s) of "
                + reader.files().get(reader.files().size() - 1));
        return ours ? HoldCommands.EXIT_NO_MATCH : EXIT_NOT_OURS;
      }
      found.forEach(record -> print(out, record, true));
      return ours ? 0 : EXIT_NOT_OURS;
    }
  }

  @Command(
      name = "find",
      description =
          "The records of the message in a pasted header block, a whole message or "
              + "an abuse report (ARF, or the original attached), read from FILE or stdin: by our audit header (its "
              + "signature checked), Postfix queue id or Message-ID; failing those, by sender, recipient and date.")
  static final class Find extends LogCommand {

    /** More than any report; what the sender of a report sends is bounded before it is read. */
    static final int MAX_INPUT = 64 << 20;

    @Parameters(
        paramLabel = "FILE",
        arity = "0..1",
        description = "The message or headers (default: stdin).")
    Path file;

    @Override
    int run(AuditLogReader reader, PrintWriter out, PrintWriter err) throws IOException {
      byte[] input;
      try (InputStream in = file == null ? System.in : Files.newInputStream(file)) {
        input = in.readNBytes(MAX_INPUT);
      }
      ReportKeys keys =
          ReportKeys.of(MessageParts.of(new String(input, StandardCharsets.ISO_8859_1)));
      List<AuditRecord> found = new ArrayList<>();
      if (!keys.ids().isEmpty()) {
        read(reader, new RecordQuery().anyId(keys.ids()), found::add, err);
      }
      if (found.isEmpty() && keys.envelopeQuery().isPresent()) {
        err.println(
            "postwarden: no audit id, queue id or Message-ID of ours; looking for "
                + RecordText.escape(keys.envelope()));
        read(reader, keys.envelopeQuery().get(), found::add, err);
      }
      boolean ours = true;
      for (String header : keys.auditHeaders()) {
        out.println("audit header: " + RecordText.escape(header));
        String id = HeaderCheck.parse(header).id().orElse("");
        ours &=
            checkHeader(
                header,
                found.stream().filter(r -> r.auditId().filter(id::equals).isPresent()).toList(),
                out,
                err);
      }
      if (found.isEmpty()) {
        err.println(
            "postwarden: no matching record in "
                + reader.files().size()
                + " file(s)"
                + (keys.ids().isEmpty() && keys.envelopeQuery().isEmpty()
                    ? "; the text has no audit header, queue id, Message-ID or envelope"
                    : ""));
        return ours ? HoldCommands.EXIT_NO_MATCH : EXIT_NOT_OURS;
      }
      found.forEach(
          record -> {
            out.println();
            print(out, record, true);
          });
      return ours ? 0 : EXIT_NOT_OURS;
    }
  }

  /** The time window and sender criteria {@code search} and {@code top} share. */
  abstract static class QueryCommand extends LogCommand {

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "From TIME on: an age (30m, 1h, 7d), a date "
                + "(2026-11-30), a local time (2026-11-30T08:00) or an instant (2026-11-30T08:00:00Z).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Before TIME (same forms).")
    String until;

    @Option(
        names = "--user",
        paramLabel = "USER",
        description = "Unix user of a local client or sendmail(1).")
    String user;

    @Option(names = "--uid", paramLabel = "UID", description = "Its uid.")
    Long uid;

    @Option(
        names = "--cwd",
        paramLabel = "DIR",
        description = "Working directory of the local client process: DIR or below it.")
    String cwd;

    @Option(names = "--sasl", paramLabel = "LOGIN", description = "SASL login.")
    String sasl;

    @Option(names = "--sender", paramLabel = "ADDRESS", description = "Envelope sender.")
    String sender;

    @Option(names = "--recipient", paramLabel = "ADDRESS", description = "One of the recipients.")
    String recipient;

    RecordQuery query() {
      RecordQuery query = new RecordQuery();
      if (since != null) {
        query.since(TimeBound.parse(since, clock));
      }
      if (until != null) {
        query.until(TimeBound.parse(until, clock));
      }
      if (user != null) {
        query.user(user);
      }
      if (uid != null) {
        query.uid(uid);
      }
      if (cwd != null) {
        query.workingDirectory(cwd);
      }
      if (sasl != null) {
        query.sasl(sasl);
      }
      if (sender != null) {
        query.sender(sender);
      }
      if (recipient != null) {
        query.recipient(recipient);
      }
      return query;
    }
  }

  @Command(
      name = "search",
      description = "Every record that matches all criteria given, oldest first.")
  static final class Search extends QueryCommand {

    @Override
    int run(AuditLogReader reader, PrintWriter out, PrintWriter err) throws IOException {
      AuditLogReader.Summary summary =
          read(reader, query(), record -> print(out, record, false), err);
      err.println(
          summary.matched()
              + " record(s) of "
              + summary.lines()
              + " line(s) in "
              + summary.filesRead().size()
              + " file(s)");
      return summary.matched() == 0 ? HoldCommands.EXIT_NO_MATCH : 0;
    }
  }

  @Command(
      name = "top",
      description =
          "Senders with the most messages, with their recipients, refusals and holds; by sender key "
              + "(SASL login, Unix user, or client), Unix user, site, SASL login or envelope sender.")
  static final class Top extends QueryCommand {

    /** Where site grouping finds each Unix user's home directory. */
    static final Path PASSWD = Path.of("/etc/passwd");

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "How many senders (20).")
    int limit;

    @Option(
        names = "--by",
        paramLabel = "GROUPING",
        defaultValue = "key",
        converter = GroupingConverter.class,
        description =
            "key (sasl:LOGIN, unix:USER or the client: whom the limits count, the default), user, site "
                + "(by audit-site-roots: the process's working directory, else the user's home), sasl or "
                + "sender (the envelope sender). Records without one are counted under \"-\".")
    RecordGroups by;

    @Override
    int run(AuditLogReader reader, PrintWriter out, PrintWriter err) throws IOException {
      TopSenders top = new TopSenders(by.groupOf(sites(err)));
      AuditLogReader.Summary summary = read(reader, query(), top, err);
      out.printf(
          "%-40s %9s %10s %8s %6s  %s%n",
          by.heading(), "MESSAGES", "RECIPIENTS", "REFUSED", "HELD", "LAST");
      for (TopSenders.Tally tally : top.top(limit)) {
        out.printf(
            "%-40s %9d %10d %8d %6d  %s%n",
            RecordText.escape(tally.sender()),
            tally.messages(),
            tally.recipients(),
            tally.refused(),
            tally.held(),
            tally.last());
      }
      err.println(
          summary.matched()
              + " record(s) of "
              + summary.lines()
              + " line(s) in "
              + summary.filesRead().size()
              + " file(s)");
      return 0;
    }

    /** The configuration's site roots (the built-in ones when it cannot be read) and the homes. */
    private RecordGroups.Sites sites(PrintWriter err) {
      List<String> roots;
      try {
        roots = settings().get(AuditKeys.AUDIT_SITE_ROOTS);
      } catch (ConfigException e) {
        err.println("postwarden: built-in audit-site-roots, the configuration is not usable: " + e);
        roots = AuditKeys.AUDIT_SITE_ROOTS.defaultValue();
      }
      return new RecordGroups.Sites(SiteRoots.of(roots), RecordGroups.Sites.homes(PASSWD));
    }
  }

  static final class GroupingConverter implements CommandLine.ITypeConverter<RecordGroups> {
    @Override
    public RecordGroups convert(String value) {
      try {
        return RecordGroups.valueOf(value.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "expected key, user, site, sasl or sender, got \"" + value + "\"");
      }
    }
  }
}
