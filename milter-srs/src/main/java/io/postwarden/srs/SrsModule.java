package io.postwarden.srs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.LookupKeys;
import io.postwarden.core.config.Config;
import io.postwarden.core.config.ConfigSchema;
import io.postwarden.core.config.WatchedFile;
import io.postwarden.core.lookup.LookupTable;
import io.postwarden.core.lookup.server.LookupServerSettings;
import io.postwarden.core.module.ChainBuilder;
import io.postwarden.core.module.PolicyModule;
import io.postwarden.core.policy.Policy;
import io.postwarden.core.postfix.PostfixCommands;
import io.postwarden.srs.codec.SrsCodec;
import io.postwarden.srs.codec.SrsConfig;
import io.postwarden.srs.codec.SrsSecrets;
import io.postwarden.srs.domains.OurDomains;
import io.postwarden.srs.fromrepair.FromRepairPolicy;
import io.postwarden.srs.lazy.LazySrs;
import io.postwarden.srs.longsender.LongSenderModule;
import io.postwarden.srs.longsender.LongSenders;
import io.postwarden.srs.maps.SrsTables;
import io.postwarden.srs.policy.GuessThrottle;
import io.postwarden.srs.policy.SrsDomains;
import io.postwarden.srs.policy.SrsKeys;
import io.postwarden.srs.policy.SrsMetrics;
import io.postwarden.srs.policy.SrsPolicy;
import io.postwarden.srs.policy.SrsRules;
import io.postwarden.srs.routing.DomainRouting;
import io.postwarden.srs.routing.PostfixRouting;
import io.postwarden.srs.routing.RecipientRouting;
import io.postwarden.srs.routing.RoutingMetrics;
import io.postwarden.srs.secrets.CodecSource;
import io.postwarden.srs.secrets.PrivateSecretsFile;
import io.postwarden.srs.spf.DnsResolvers;
import io.postwarden.srs.spf.DnsSpfEvaluator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * Builds the SRS policy, the From: repair and the SRS lookup tables from the configuration; the
 * only place that knows how their parts fit. It keeps the long-sender store for the daemon's
 * lifetime (the milter's and the lookup tables', across reloads).
 */
public final class SrsModule implements PolicyModule {

  private static final System.Logger LOG = System.getLogger("postwarden.srs");
  private static final Duration CHECK_FILES_EVERY = Duration.ofSeconds(1);

  private final Clock clock;
  private final LongSenderModule longSenders;

  /** With a long-sender store of its own, opened on first use. */
  public SrsModule(Clock clock) {
    this(clock, new LongSenderModule(clock));
  }

  /** With long senders in the store that {@code longSenders} keeps; closing this closes it. */
  public SrsModule(Clock clock, LongSenderModule longSenders) {
    this.clock = clock;
    this.longSenders = longSenders;
  }

  @Override
  public ConfigSchema schema() {
    return SrsKeys.SCHEMA;
  }

  /**
   * The secrets file by start-up's rules, srs-lazy and srs-domain-map, hash-minimum against
   * hash-length, srs-lazy-timeout against the core's policy-timeout, the long-sender store file,
   * and the lookup tables (served by SRS alone).
   */
  @Override
  public List<String> problems(Config config) {
    List<String> problems = new ArrayList<>();
    if (config.get(SrsKeys.HASH_MINIMUM) > config.get(SrsKeys.HASH_LENGTH)) {
      problems.add(
          "hash-minimum: "
              + config.get(SrsKeys.HASH_MINIMUM)
              + " is more than hash-length "
              + config.get(SrsKeys.HASH_LENGTH)
              + "; addresses we write would not verify");
    }
    secretsFileProblem(config).ifPresent(problems::add);
    problems.addAll(lazyAndDomainMapProblems(config));
    Duration lazyTimeout = config.get(SrsKeys.LAZY_TIMEOUT);
    Duration policyTimeout = config.get(CoreKeys.POLICY_TIMEOUT);
    if (config.get(SrsKeys.LAZY) && lazyTimeout.compareTo(policyTimeout) >= 0) {
      problems.add(
          "srs-lazy-timeout: "
              + lazyTimeout.toMillis()
              + "ms is not below policy-timeout "
              + policyTimeout.toMillis()
              + "ms; forwards would be tempfailed whenever DNS is slow");
    }
    LongSenderModule.fileProblem(config).ifPresent(problems::add);
    lookupProblem(config).ifPresent(problems::add);
    return problems;
  }

  /**
   * Lookup tables served without SRS, or a tcp_table listener for a table nobody serves, cannot
   * work.
   */
  private static Optional<String> lookupProblem(Config config) {
    LookupServerSettings settings = LookupKeys.settings(config);
    if (settings.enabled() && srsDomain(config).isEmpty()) {
      return Optional.of(
          "socketmap, tcp-table: the lookup tables are SRS's; set srs-domain (or domains)");
    }
    return settings.tcpTables().keySet().stream()
        .filter(table -> !SrsTables.NAMES.contains(table))
        .findFirst()
        .map(
            table ->
                "tcp-table: no table named "
                    + table
                    + "; the tables are "
                    + String.join(", ", SrsTables.NAMES));
  }

  /** The SRS policy and the From: repair, where the rewrites run. */
  @Override
  public void build(Config config, ChainBuilder chain) throws IOException {
    for (Policy policy : policies(config, chain.registry())) {
      chain.add(ChainBuilder.Place.REWRITE, policy);
    }
  }

  /**
   * Every SRS table ({@link SrsTables}), with their own secrets watch and throttle; none when SRS
   * is off (no SRS domain).
   */
  @Override
  public Map<String, LookupTable> lookupTables(Config config, MeterRegistry registry)
      throws IOException {
    Optional<String> srsDomain = srsDomain(config);
    if (srsDomain.isEmpty()) {
      return Map.of();
    }
    return SrsTables.of(
        rules(
            config,
            srsDomain.get(),
            codecSource(config, registry, clock),
            ourDomains(config, srsDomain.get(), clock),
            registry,
            clock,
            longSenders.longSenders(config, registry)));
  }

  @Override
  public void close() {
    longSenders.close();
  }

  /** The codec's settings for these secrets. */
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

  /**
   * The codec as the configuration has it now, its secrets file created if missing (what {@code
   * postwarden srs} uses).
   */
  public static SrsCodec codec(Config config, Clock clock) throws IOException {
    SrsSecrets secrets =
        PrivateSecretsFile.watch(config.get(SrsKeys.SECRETS_FILE), clock, () -> {}).get();
    return new SrsCodec(codecSettings(config, secrets), clock);
  }

  /**
   * What start-up would refuse in the secrets file, by the same rules, for {@code config check}.
   */
  private static Optional<String> secretsFileProblem(Config config) {
    return PrivateSecretsFile.problem(config.get(SrsKeys.SECRETS_FILE))
        .map(problem -> SrsKeys.SECRETS_FILE.name() + ": " + problem);
  }

  /**
   * What start-up would refuse in srs-lazy and srs-domain-map that no single key's check sees, for
   * {@code config check}; each problem names its keys.
   */
  private static List<String> lazyAndDomainMapProblems(Config config) {
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
  public List<Policy> policies(Config config, MeterRegistry registry) throws IOException {
    Optional<String> srsDomain = srsDomain(config);
    boolean fromRepair = config.get(SrsKeys.FROM_REPAIR);
    CodecSource codec;
    try {
      codec = codecSource(config, registry, clock);
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
      policies.add(new FromRepairPolicy(codec, config.get(SrsKeys.NULL_SENDER_FROM), registry));
    }
    return policies;
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
        codec,
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

  /** The codec for the secrets in force, from the watched secrets file (created if missing). */
  private static CodecSource codecSource(Config config, MeterRegistry registry, Clock clock)
      throws IOException {
    Counter refused =
        Counter.builder("postwarden.srs.secrets.refused")
            .description(
                "Versions of the SRS secrets file refused (open to other users, too short, empty); the "
                    + "previous secrets stay in force")
            .register(registry);
    WatchedFile<SrsSecrets> secrets =
        PrivateSecretsFile.watch(config.get(SrsKeys.SECRETS_FILE), clock, refused::increment);
    return new CodecSource(secrets::get, current -> codecSettings(config, current), clock);
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
  public static List<String> entryLines(Path path) throws IOException {
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
