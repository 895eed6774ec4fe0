package io.postwarden.srs.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.WatchedFile;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.postfix.PostfixCommands;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.fromrepair.FromRepairPolicy;
import io.postwarden.srs.lazy.LazySrs;
import io.postwarden.srs.longsender.LongSenderModule;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.routing.DomainRouting;
import io.postwarden.srs.routing.PostfixRouting;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RoutingMetrics;
import io.postwarden.srs.secrets.GeneratedSecret;
import io.postwarden.srs.secrets.PrivateSecretsFile;
import io.postwarden.srs.spf.DnsResolvers;
import io.postwarden.srs.spf.DnsSpfEvaluator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.xbill.DNS.Resolver;

/** Builds the SRS policy from the configuration; the only place that knows how its parts fit. */
public final class SrsModule {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");
  private static final Duration CHECK_FILES_EVERY = Duration.ofSeconds(1);

  private SrsModule() {}

  /**
   * The secrets the configuration names, created if missing (what `postwarden srs` and the policy
   * use).
   */
  public static SrsConfig codecSettings(Config config, SrsSecrets secrets) {
    return SrsConfig.defaults(secrets)
        .withSeparator(config.get(SrsKeys.SEPARATOR))
        .withHashLength(config.get(SrsKeys.HASH_LENGTH), config.get(SrsKeys.HASH_MINIMUM))
        .withAlphabet(config.get(SrsKeys.HASH_ALPHABET));
  }

  /** Our SRS domain: srs-domain, else the first of domains; empty when SRS is off. */
  public static Optional<String> srsDomain(Config config) {
    String configured = config.get(SrsKeys.SRS_DOMAIN);
    if (!configured.isEmpty()) {
      return Optional.of(configured);
    }
    return config.get(SrsKeys.DOMAINS).stream()
        .map(d -> d.startsWith(".") ? d.substring(1) : d)
        .findFirst();
  }

  /** Opens (creating if needed) the secrets file named by the configuration. */
  public static WatchedFile<SrsSecrets> secrets(Config config, Clock clock) throws IOException {
    return secrets(config, clock, () -> {});
  }

  /**
   * A version of the file that breaks {@link PrivateSecretsFile}'s rules is refused, at start and
   * when it changes.
   */
  private static WatchedFile<SrsSecrets> secrets(Config config, Clock clock, Runnable refused)
      throws IOException {
    Path path = config.get(SrsKeys.SECRETS_FILE);
    if (GeneratedSecret.createIfMissing(path)) {
      LOG.log(Level.INFO, "generated a new SRS secret in " + path);
    }
    return WatchedFile.open(
        path,
        file -> {
          try {
            return PrivateSecretsFile.read(file);
          } catch (IOException e) {
            refused.run();
            throw e;
          }
        },
        CHECK_FILES_EVERY,
        clock);
  }

  /**
   * What start-up would refuse in the secrets file, by the same rules, for {@code config check}. A
   * missing file is no problem: start-up creates it, private.
   */
  public static Optional<String> secretsFileProblem(Config config) {
    Path path = config.get(SrsKeys.SECRETS_FILE);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      PrivateSecretsFile.read(path);
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(SrsKeys.SECRETS_FILE.name() + ": " + e.getMessage());
    }
  }

  /**
   * What start-up would refuse in srs-lazy and srs-domain-map that no single key's check sees, for
   * {@code config check}; each problem names its keys.
   */
  public static List<String> lazyAndDomainMapProblems(Config config) {
    List<String> problems = new ArrayList<>();
    if (config.get(SrsKeys.LAZY) && config.get(SrsKeys.OUTBOUND_ADDRESSES).isEmpty()) {
      problems.add(
          SrsKeys.LAZY.name()
              + ": needs "
              + SrsKeys.OUTBOUND_ADDRESSES.name()
              + ", the addresses this server's mail leaves from");
    }
    String mapFile = config.get(SrsKeys.SRS_DOMAIN_MAP_FILE);
    boolean mapped = !config.get(SrsKeys.SRS_DOMAIN_MAP).isEmpty() || !mapFile.isEmpty();
    if (mapped && srsDomain(config).isEmpty()) {
      problems.add("srs-domain-map, srs-domain-map-file: need srs-domain (or domains)");
    }
    if (!mapFile.isEmpty()) {
      try {
        withFileEntries(Map.of(), Path.of(mapFile));
      } catch (IOException e) {
        problems.add(SrsKeys.SRS_DOMAIN_MAP_FILE.name() + ": " + e.getMessage());
      }
    }
    return problems;
  }

  /**
   * The SRS policy (when an SRS domain is configured) and the From: repair (when enabled), sharing
   * one watched secrets file. The secrets file is created either way, so turning SRS on later is
   * one line.
   */
  public static List<Policy> policies(Config config, MeterRegistry registry, Clock clock)
      throws IOException {
    return policies(config, registry, clock, new LongSenderModule(clock));
  }

  /**
   * As above, with long senders in the store that {@code longSenders} keeps (the daemon's, across
   * reloads).
   */
  public static List<Policy> policies(
      Config config, MeterRegistry registry, Clock clock, LongSenderModule longSenders)
      throws IOException {
    Optional<String> srsDomain = srsDomain(config);
    boolean fromRepair = config.get(SrsKeys.FROM_REPAIR);
    WatchedFile<SrsSecrets> secrets;
    try {
      secrets = secrets(config, clock, refusedSecretsCounter(registry)::increment);
    } catch (IOException e) {
      if (srsDomain.isPresent()) {
        throw e;
      }
      // without secrets no SRS address can be recognised: nothing to repair yet, nothing to refuse
      // to start for
      LOG.log(
          Level.WARNING,
          "SRS and From: repair are off, the secrets file is not usable: " + e.getMessage());
      return List.of();
    }
    CodecSource codec = new CodecSource(secrets, current -> codecSettings(config, current), clock);
    List<Policy> policies = new ArrayList<>();
    if (srsDomain.isPresent()) {
      Supplier<OurDomains> domains = ourDomains(config, srsDomain.get(), clock);
      SrsPolicy.Settings settings =
          new SrsPolicy.Settings(
              srsDomain.get(),
              config.get(SrsKeys.ALWAYS_REWRITE),
              config.get(SrsKeys.REWRITE_AUTHENTICATED),
              config.get(SrsKeys.NULL_SENDER_ONLY),
              config.get(SrsKeys.REWRITE_IN_MILTER));
      policies.add(
          new SrsPolicy(
              settings,
              rules(
                  config,
                  srsDomain.get(),
                  codec,
                  domains,
                  registry,
                  clock,
                  longSenders.longSenders(config, registry)),
              routing(config, domains, registry, clock),
              lazy(config, srsDomain.get(), registry, clock)));
    } else {
      LOG.log(Level.INFO, "SRS rewriting is off: set srs-domain (or domains) to turn it on");
    }
    if (fromRepair) {
      policies.add(
          new FromRepairPolicy(codec::current, config.get(SrsKeys.NULL_SENDER_FROM), registry));
    }
    return policies;
  }

  /**
   * The SRS rules as the lookup tables use them, with their own secrets watch and throttle; empty
   * when SRS is off (no SRS domain).
   */
  public static Optional<SrsRules> rules(Config config, MeterRegistry registry, Clock clock)
      throws IOException {
    return rules(config, registry, clock, new LongSenderModule(clock));
  }

  /**
   * As above, with long senders in the store that {@code longSenders} keeps (the daemon's, across
   * reloads).
   */
  public static Optional<SrsRules> rules(
      Config config, MeterRegistry registry, Clock clock, LongSenderModule longSenders)
      throws IOException {
    Optional<String> srsDomain = srsDomain(config);
    if (srsDomain.isEmpty()) {
      return Optional.empty();
    }
    WatchedFile<SrsSecrets> secrets =
        secrets(config, clock, refusedSecretsCounter(registry)::increment);
    CodecSource codec = new CodecSource(secrets, current -> codecSettings(config, current), clock);
    return Optional.of(
        rules(
            config,
            srsDomain.get(),
            codec,
            ourDomains(config, srsDomain.get(), clock),
            registry,
            clock,
            longSenders.longSenders(config, registry)));
  }

  private static SrsRules rules(
      Config config,
      String srsDomain,
      CodecSource codec,
      Supplier<OurDomains> domains,
      MeterRegistry registry,
      Clock clock,
      LongSenders longSenders)
      throws IOException {
    GuessThrottle throttle =
        new GuessThrottle(
            new GuessThrottle.Settings(
                config.get(SrsKeys.THROTTLE_AFTER),
                config.get(SrsKeys.THROTTLE_WINDOW),
                config.get(SrsKeys.THROTTLE_TIME),
                config.get(SrsKeys.THROTTLE_CLIENTS)),
            clock);
    return new SrsRules(
        srsDomains(config, srsDomain, clock),
        config.get(SrsKeys.NULL_SENDER_ONLY),
        codec::current,
        domains,
        throttle,
        new SrsMetrics(registry),
        longSenders);
  }

  /** The main SRS domain with srs-domain-map and srs-domain-map-file (watched). */
  private static Supplier<SrsDomains> srsDomains(Config config, String main, Clock clock)
      throws IOException {
    Map<String, String> inline = SrsDomains.parseEntries(config.get(SrsKeys.SRS_DOMAIN_MAP));
    String file = config.get(SrsKeys.SRS_DOMAIN_MAP_FILE);
    if (file.isEmpty()) {
      SrsDomains fixed = new SrsDomains(main, inline);
      return () -> fixed;
    }
    WatchedFile<SrsDomains> watched =
        WatchedFile.open(
            Path.of(file),
            path -> new SrsDomains(main, withFileEntries(inline, path)),
            CHECK_FILES_EVERY,
            clock);
    return watched::get;
  }

  /** The inline entries, then the file's for recipient domains not mapped inline. */
  private static Map<String, String> withFileEntries(Map<String, String> inline, Path file)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(inline);
    try {
      SrsDomains.parseEntries(entryLines(file)).forEach(all::putIfAbsent);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
    return all;
  }

  /**
   * Every SRS domain the configuration names, the main one first; empty when SRS is off. For
   * doctor: a map file that cannot be read adds nothing (config check reports it).
   */
  public static List<String> allSrsDomains(Config config) {
    Optional<String> main = srsDomain(config);
    if (main.isEmpty()) {
      return List.of();
    }
    Map<String, String> entries = SrsDomains.parseEntries(config.get(SrsKeys.SRS_DOMAIN_MAP));
    String file = config.get(SrsKeys.SRS_DOMAIN_MAP_FILE);
    if (!file.isEmpty()) {
      try {
        entries = withFileEntries(entries, Path.of(file));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot read " + file + ": " + e.getMessage());
      }
    }
    return new SrsDomains(main.get(), entries).all();
  }

  /** Lazy SRS when srs-lazy is on: SPF by jSPF over dnsjava, asked from the policy workers. */
  private static Optional<LazySrs> lazy(
      Config config, String srsDomain, MeterRegistry registry, Clock clock) throws IOException {
    if (!config.get(SrsKeys.LAZY)) {
      return Optional.empty();
    }
    List<InetAddress> outbound = SrsKeys.outboundAddresses(config.get(SrsKeys.OUTBOUND_ADDRESSES));
    if (outbound.isEmpty()) {
      throw new IOException(
          SrsKeys.LAZY.name()
              + ": needs "
              + SrsKeys.OUTBOUND_ADDRESSES.name()
              + ", the addresses this server's mail leaves from");
    }
    Duration timeout = config.get(SrsKeys.LAZY_TIMEOUT);
    String server = config.get(SrsKeys.LAZY_DNS_SERVER);
    Resolver resolver =
        server.isEmpty() ? DnsResolvers.system(timeout) : DnsResolvers.server(server, timeout);
    return Optional.of(
        new LazySrs(
            new DnsSpfEvaluator(resolver, timeout, srsDomain),
            outbound,
            config.get(SrsKeys.LAZY_CACHE_SIZE),
            clock,
            registry));
  }

  private static Counter refusedSecretsCounter(MeterRegistry registry) {
    return Counter.builder("postwarden.srs.secrets.refused")
        .description(
            "Versions of the SRS secrets file refused (open to other users, too short, empty); the "
                + "previous secrets stay in force")
        .register(registry);
  }

  private static Supplier<OurDomains> ourDomains(Config config, String srsDomain, Clock clock)
      throws IOException {
    List<String> listed = new ArrayList<>(config.get(SrsKeys.DOMAINS));
    listed.add(srsDomain);
    String file = config.get(SrsKeys.DOMAINS_FILE);
    if (file.isEmpty()) {
      OurDomains fixed = new OurDomains(listed);
      return () -> fixed;
    }
    WatchedFile<OurDomains> watched =
        WatchedFile.open(
            Path.of(file),
            path -> {
              List<String> all = new ArrayList<>(listed);
              all.addAll(entryLines(path));
              return new OurDomains(all);
            },
            CHECK_FILES_EVERY,
            clock);
    return watched::get;
  }

  /**
   * The entries of PostSRSd's domains file (one domain per line) and of srs-domain-map-file:
   * non-empty lines, trimmed, # starts a comment.
   */
  static List<String> entryLines(Path path) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String line : Files.readAllLines(path, StandardCharsets.ISO_8859_1)) {
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (!entry.isEmpty()) {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static RecipientRouting routing(
      Config config, Supplier<OurDomains> domains, MeterRegistry registry, Clock clock) {
    String postfixDir = config.get(SrsKeys.POSTFIX_CONFIG_DIR);
    if (!postfixDir.isEmpty() && Files.isRegularFile(Path.of(postfixDir, "main.cf"))) {
      try {
        return PostfixRouting.read(
            new PostfixCommands(Path.of(postfixDir)),
            config.get(SrsKeys.POSTFIX_MAP_CACHE),
            clock,
            new RoutingMetrics(registry),
            !config.get(SrsKeys.FORWARD_CLEANUP));
      } catch (IOException e) {
        LOG.log(
            Level.WARNING,
            "cannot read Postfix's configuration in "
                + postfixDir
                + "; judging recipients by our domains only: "
                + e.getMessage());
      }
    } else if (!postfixDir.isEmpty()) {
      LOG.log(
          Level.WARNING,
          "no main.cf in " + postfixDir + "; judging recipients by our domains only");
    }
    return new DomainRouting(domains);
  }
}
