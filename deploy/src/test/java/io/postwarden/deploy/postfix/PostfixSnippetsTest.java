package io.postwarden.deploy.postfix;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Postfix snippets in deploy/postfix, applied the way their comments tell an admin to (appended
 * to main.cf and master.cf, maps postmapped), then read back with the real postconf: every
 * parameter has the intended value and postconf reports no unused or unknown parameter (which is
 * how a typo shows).
 */
class PostfixSnippetsTest {

  static final Path SNIPPETS = Path.of("postfix");
  private static final Pattern MAP_REFERENCE =
      Pattern.compile(
          "\\b(hash|regexp|pcre|cidr|lmdb|cdb|texthash):/etc/postfix/([A-Za-z0-9_.-]+)");

  /**
   * The fast path replaces the SRS-domain snippet's recipient check with its own (its comment says
   * so).
   */
  private static final String FAST_PATH = "main.cf-fastpath.snippet";

  private static final String SRS_DOMAIN = "main.cf-srs-domain.snippet";

  @TempDir Path dir;

  private ScratchPostfix postfix;

  @BeforeEach
  void createConfig() throws IOException {
    postfix = ScratchPostfix.create(dir);
  }

  @Test
  void milterSnippetWiresBothListenersAndTempfails() throws IOException {
    apply("main.cf-milter.snippet");

    assertMainCf(
        Map.of(
            "smtpd_milters", "unix:postwarden/milter.sock",
            "non_smtpd_milters", "unix:postwarden/non-smtpd.sock",
            "milter_default_action", "tempfail",
            "milter_protocol", "6",
            "milter_connect_timeout", "10s",
            "milter_command_timeout", "30s",
            "milter_content_timeout", "300s"));
    assertNoMacroOverrides();
    assertClean();
  }

  @Test
  void srsDomainSnippetRelaysTheDomainAndRefusesNonSrsAddresses() throws IOException {
    apply("main.cf-srs-domain.snippet");

    assertMainCf(
        Map.of(
            "relay_domains", "srs.example.com",
            "smtpd_recipient_restrictions",
                "check_recipient_access regexp:" + dir.resolve("srs_recipients"),
            "transport_maps", "hash:" + dir.resolve("srs_transport")));
    assertFalse(
        postconf("-x", "-h", "mydestination").contains("srs.example.com"),
        "the SRS domain must not be a local domain");
    String recipients = "regexp:" + dir.resolve("srs_recipients");
    assertEquals(
        "REJECT 5.1.1 Not an SRS address", lookup("postmaster@srs.example.com", recipients));
    assertEquals(
        "REJECT 5.1.1 Not an SRS address",
        lookup("SRSX=abcd=AB=x.example=ann@srs.example.com", recipients));
    for (String refused :
        List.of(
            "postmaster@mx.srs.example.com",
            "postmaster@SRS.example.com.",
            "x.srs0=abcd=AB=x.example=ann@srs.example.com")) {
      assertEquals("REJECT 5.1.1 Not an SRS address", lookup(refused, recipients), refused);
    }
    for (String passes :
        List.of(
            "SRS0=HHHH=TT=orig.example=ann@srs.example.com",
            "srs0+hhhh=tt=orig.example=ann@SRS.EXAMPLE.COM",
            "SRS1-HHHH=orig.example==HHHH=TT=a.example=b@srs.example.com",
            "SRS0=HHHH=TT=orig.example=ann@mx.srs.example.com",
            "postmaster@other.example",
            "postmaster@srs.example.com.evil.example",
            "postmaster@notsrs.example.com")) {
      assertNull(lookup(passes, recipients), passes + " must reach the milter");
    }
    // trivial-rewrite looks mx.srs.example.com up as .srs.example.com (transport_maps is not in
    // parent_domain_matches_subdomains); postmap -q only does exact keys
    for (String domain : List.of("srs.example.com", ".srs.example.com")) {
      assertEquals(
          "error:5.1.1 SRS address was not rewritten; check srs-domain in postwarden.conf",
          lookup(domain, "hash:" + dir.resolve("srs_transport")),
          domain);
    }
    assertClean();
  }

  /**
   * An unanchored regexp matches inside longer addresses: postmaster@srs.example.com.evil.example,
   * x.srs0=...
   */
  @Test
  void everyShippedRegexpPatternIsAnchoredAtBothEnds() throws IOException {
    Pattern patternLine = Pattern.compile("^(?:if\\s+|!)?/(.*)/([a-zA-Z]*)(?:\\s.*)?$");
    int patterns = 0;
    try (var files = Files.list(SNIPPETS)) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file)) {
          Matcher m = patternLine.matcher(line.strip());
          if (!line.startsWith("#") && m.matches()) {
            patterns++;
            assertTrue(
                m.group(1).startsWith("^") && m.group(1).endsWith("$"),
                file.getFileName() + ": " + line);
            assertFalse(
                m.group(2).contains("i"),
                file.getFileName() + ": the i flag makes matching case-sensitive");
          }
        }
      }
    }
    assertTrue(patterns >= 2, "found the SRS patterns");
  }

  @Test
  void fastPathSnippetKeepsTheMilterForLocalClientsOnlyAndRoutesSrsAddressesToTheClass()
      throws IOException {
    apply("main.cf-milter.snippet");
    apply(FAST_PATH);

    String socketmap = "socketmap:unix:postwarden/lookup.sock:";
    assertMainCf(
        Map.of(
            "smtpd_milter_maps", "cidr:" + dir.resolve("milter_clients"),
            "sender_canonical_maps",
                "regexp:" + dir.resolve("srs_forward_skip") + ", " + socketmap + "forward",
            "sender_canonical_classes", "envelope_sender",
            "recipient_canonical_maps",
                "regexp:" + dir.resolve("srs_reverse_skip") + ", " + socketmap + "reverse",
            "recipient_canonical_classes", "envelope_recipient, header_recipient",
            "smtpd_restriction_classes", "postwarden_srs_bounce",
            "postwarden_srs_bounce",
                "check_sender_access "
                    + socketmap
                    + "srs-null-sender, check_client_access "
                    + socketmap
                    + "srs-client, check_recipient_access "
                    + socketmap
                    + "srs-verify",
            "smtpd_recipient_restrictions",
                "check_recipient_access regexp:" + dir.resolve("srs_recipients-fastpath")));
    String clients = "cidr:" + dir.resolve("milter_clients");
    String milters = postconf("-h", "smtpd_milters").trim();
    for (String local : List.of("127.0.0.1", "127.0.0.2", "::1", "192.0.2.10", "2001:db8::10")) {
      assertEquals(milters, lookup(local, clients), local + " keeps the milters of smtpd_milters");
    }
    for (String remote : List.of("192.0.2.11", "198.51.100.7", "2001:db8::11", "::2")) {
      assertEquals("DISABLE", lookup(remote, clients), remote);
    }
    String recipients = "regexp:" + dir.resolve("srs_recipients-fastpath");
    for (String srs :
        List.of(
            "SRS0=HHHHHHHH=TT=orig.example=ann@srs.example.com",
            "srs1+hhhh=orig.example==HHHH=TT=a.example=b@mx.SRS.example.com.")) {
      assertEquals("postwarden_srs_bounce", lookup(srs, recipients), srs);
    }
    assertEquals(
        "REJECT 5.1.1 Not an SRS address", lookup("postmaster@srs.example.com", recipients));
    assertNull(lookup("SRS0=HHHHHHHH=TT=orig.example=ann@other.example", recipients));
    String forwardSkip = "regexp:" + dir.resolve("srs_forward_skip");
    for (String ours :
        List.of("SRS0=HHHHHHHH=TT=orig.example=ann@srs.example.com", "srs1+x@SRS.example.com")) {
      assertEquals(ours, lookup(ours, forwardSkip), "keeps its address: " + ours);
    }
    for (String other :
        List.of(
            "ann@orig.example",
            "SRS0=HHHHHHHH=TT=orig.example=ann@other.example",
            "SRS0=H@srs.example.com.other.example")) {
      assertNull(lookup(other, forwardSkip), "left to the forward table: " + other);
    }
    String reverseSkip = "regexp:" + dir.resolve("srs_reverse_skip");
    for (String ordinary : List.of("ann@orig.example", "SRS2=x@a.example", "srs0@a.example")) {
      assertEquals(ordinary, lookup(ordinary, reverseSkip), "maps to itself: " + ordinary);
    }
    for (String srs :
        List.of("SRS0=HHHHHHHH=TT=orig.example=ann@srs.example.com", "srs1+hhhh@a.example")) {
      assertNull(lookup(srs, reverseSkip), "left to the reverse table: " + srs);
    }
    assertClean();
  }

  @Test
  void smartHostSnippetAuthenticatesOverVerifiedTls() throws IOException {
    apply("main.cf-smarthost.snippet");

    assertMainCf(
        Map.of(
            "relayhost", "[smarthost.example]:587",
            "smtp_sasl_auth_enable", "yes",
            "smtp_sasl_password_maps", "hash:" + dir.resolve("sasl_passwd"),
            "smtp_sasl_security_options", "noanonymous",
            "smtp_sasl_tls_security_options", "noanonymous",
            "smtp_tls_security_level", "secure",
            "smtp_tls_CAfile", "/etc/ssl/certs/ca-certificates.crt"));
    assertEquals(
        "user@example.com:app-password",
        lookup(postconf("-h", "relayhost").trim(), "hash:" + dir.resolve("sasl_passwd")),
        "the password map's key must be written exactly as relayhost is");
    assertClean();
  }

  @Test
  void oneshotTransportDeliversOneRecipientPerConnection() throws IOException {
    apply("master.cf-oneshot.snippet");
    apply("main.cf-oneshot.snippet");

    assertService(
        "oneshot/unix",
        "smtp",
        Map.of(
            "syslog_name", "postfix/oneshot",
            "smtp_connection_cache_on_demand", "no"));
    assertMainCf(
        Map.of(
            "oneshot_destination_concurrency_limit", "1",
            "oneshot_destination_recipient_limit", "1"));
    assertClean();
  }

  @Test
  void forwardCleanupServesLocalsForwardsOnly() throws IOException {
    apply("master.cf-forward-cleanup.snippet");
    // the one command its comment gives
    assertEquals(
        0, postfix.postconf("-P", "local/unix/cleanup_service_name=postwarden-forward").status());

    assertService(
        "postwarden-forward/unix",
        "cleanup",
        Map.of(
            "sender_canonical_maps", "socketmap:unix:postwarden/lookup.sock:forward",
            "sender_canonical_classes", "envelope_sender"));
    assertService("local/unix", "local", Map.of("cleanup_service_name", "postwarden-forward"));
    assertEquals("", postconf("-h", "sender_canonical_maps").trim(), "main.cf is left alone");
    assertClean();
  }

  @Test
  void relaylimTransportIsRateLimitedByTheQueueManager() throws IOException {
    apply("master.cf-relaylim.snippet");
    apply("main.cf-relaylim.snippet");

    assertService("relaylim/unix", "smtp", Map.of("syslog_name", "postfix/relaylim"));
    assertMainCf(
        Map.of(
            "relaylim_destination_rate_delay", "1s",
            "relaylim_destination_concurrency_failed_cohort_limit", "10"));
    assertClean();
  }

  @Test
  void transportParametersNeedTheirMasterCfService() throws IOException {
    // why the relaylim snippets come in pairs: without the master.cf service, postconf calls them
    // unused
    apply("main.cf-relaylim.snippet");

    assertTrue(
        postfix.postconf().warnings().stream()
            .anyMatch(line -> line.contains("unused parameter: relaylim_destination_rate_delay")),
        "postconf must flag relaylim_ parameters when no relaylim service exists");
  }

  @Test
  void senderDependentTransportsBindTheirOwnAddresses() throws IOException {
    apply("master.cf-sender-ip.snippet");
    apply("main.cf-sender-ip.snippet");

    String map = "hash:" + dir.resolve("sender_transport");
    assertMainCf(Map.of("sender_dependent_default_transport_maps", map));
    assertService(
        "smtp-shop/unix",
        "smtp",
        Map.of(
            "syslog_name", "postfix/smtp-shop",
            "smtp_bind_address", "192.0.2.10",
            "smtp_bind_address6", "2001:db8::10",
            "smtp_helo_name", "mail.shop.example"));
    assertService(
        "smtp-blog/unix",
        "smtp",
        Map.of(
            "syslog_name", "postfix/smtp-blog",
            "smtp_bind_address", "192.0.2.11",
            "smtp_bind_address6", "2001:db8::11",
            "smtp_helo_name", "mail.blog.example"));
    assertEquals("smtp-shop:", lookup("@shop.example", map));
    assertEquals("smtp-blog:", lookup("@blog.example", map));
    // every transport the map names exists in master.cf
    for (String line : Files.readAllLines(SNIPPETS.resolve("sender_transport"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String transport = line.trim().split("\\s+")[1].replaceFirst(":.*", "");
        assertFalse(
            postconf("-M", transport + "/unix").isBlank(),
            transport + " is not defined in master.cf");
      }
    }
    assertClean();
  }

  @Test
  void allSnippetsTogetherStayConsistent() throws IOException {
    List<Path> snippets = shippedSnippets();
    // master.cf first: transport-specific main.cf parameters are only known once their service
    // exists
    snippets.stream()
        .filter(p -> p.getFileName().toString().startsWith("master.cf"))
        .forEach(this::applyUnchecked);
    snippets.stream()
        .filter(p -> p.getFileName().toString().startsWith("main.cf"))
        .filter(
            p ->
                !p.getFileName().toString().equals(FAST_PATH)
                    && !p.getFileName().toString().equals(SRS_DOMAIN))
        .forEach(this::applyUnchecked);
    // as the fast-path snippet says: the SRS-domain snippet without its recipient check, which it
    // replaces
    apply(SRS_DOMAIN, "smtpd_recipient_restrictions");
    apply(FAST_PATH);

    Map<String, String> effective = mainCfInEffect();
    for (Path snippet : snippets) {
      if (snippet.getFileName().toString().startsWith("main.cf")) {
        for (Map.Entry<String, String> parameter :
            parameters(read(snippet).replace("/etc/postfix/", dir + "/")).entrySet()) {
          if (snippet.getFileName().toString().equals(SRS_DOMAIN)
              && parameter.getKey().equals("smtpd_recipient_restrictions")) {
            continue;
          }
          assertEquals(
              parameter.getValue(),
              effective.get(parameter.getKey()),
              parameter.getKey()
                  + " from "
                  + snippet.getFileName()
                  + " is overridden by another snippet");
        }
      }
    }
    assertClean();
  }

  @Test
  void everyShippedMapIsUsedAndEverySnippetIsTested() throws IOException {
    List<String> referenced = new ArrayList<>();
    for (Path snippet : shippedSnippets()) {
      Matcher m = MAP_REFERENCE.matcher(read(snippet));
      while (m.find()) {
        referenced.add(m.group(2));
      }
    }
    TreeSet<String> maps = new TreeSet<>();
    try (Stream<Path> files = Files.list(SNIPPETS)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.endsWith(".snippet") && !name.endsWith(".md"))
          .forEach(maps::add);
    }
    assertEquals(
        maps,
        new TreeSet<>(referenced),
        "map files in deploy/postfix and the maps the snippets name");
    assertEquals(11, shippedSnippets().size(), "a new snippet needs its own test here");
  }

  @Test
  void aTypoIsCaught() throws IOException {
    // the negative control for assertClean(): a misspelt parameter is reported by postconf
    postfix.appendMainCf("smtpd_miltres = inet:127.0.0.1:8895\n");
    postfix.appendMasterCf("typo unix - - y - - smtp\n  -o smtp_helo_nmae=x\n");

    List<String> warnings = postfix.postconf().warnings();
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("unused parameter: smtpd_miltres")),
        warnings.toString());
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("unused parameter: smtp_helo_nmae")),
        warnings.toString());
  }

  // --- applying
  // ----------------------------------------------------------------------------------------------

  /**
   * Appends the snippet with /etc/postfix/ pointing at the scratch directory; copies and postmaps
   * its maps.
   */
  private void apply(String name) throws IOException {
    apply(name, null);
  }

  /**
   * As {@link #apply(String)}, leaving out the line that sets {@code leftOut} (null: nothing left
   * out).
   */
  private void apply(String name, String leftOut) throws IOException {
    String text = read(SNIPPETS.resolve(name)).replace("/etc/postfix/", dir + "/");
    if (leftOut != null) {
      text = text.replaceAll("(?m)^" + leftOut + " = .*\n", "");
    }
    if (name.startsWith("master.cf")) {
      postfix.appendMasterCf(text);
    } else {
      postfix.appendMainCf(text);
    }
    Matcher m = MAP_REFERENCE.matcher(read(SNIPPETS.resolve(name)));
    while (m.find()) {
      Path source = SNIPPETS.resolve(m.group(2));
      assertTrue(
          Files.isRegularFile(source),
          name
              + " refers to /etc/postfix/"
              + m.group(2)
              + ", which is not shipped in deploy/postfix");
      postfix.write(m.group(2), read(source));
      if (!List.of("regexp", "pcre", "cidr", "texthash").contains(m.group(1))) {
        ScratchPostfix.Result result = postfix.postmap(m.group(1) + ":" + dir.resolve(m.group(2)));
        assertEquals(0, result.status(), "postmap " + m.group(2) + ": " + result.stderr());
        assertEquals(List.of(), result.warnings(), "postmap " + m.group(2));
      }
    }
  }

  private void applyUnchecked(Path snippet) {
    try {
      apply(snippet.getFileName().toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Path> shippedSnippets() throws IOException {
    try (Stream<Path> files = Files.list(SNIPPETS)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".snippet")).sorted().toList();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.ISO_8859_1);
  }

  // --- reading back
  // ------------------------------------------------------------------------------------------

  private String postconf(String... args) {
    ScratchPostfix.Result result = postfix.postconf(args);
    assertEquals(0, result.status(), "postconf " + String.join(" ", args) + ": " + result.stderr());
    return result.stdout();
  }

  /** {@code postconf -n} as a map (postconf joins continuation lines with single spaces). */
  private Map<String, String> mainCfInEffect() {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : postconf("-n").split("\n")) {
      int eq = line.indexOf(" = ");
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 3));
      } else if (line.endsWith(" =")) {
        values.put(line.substring(0, line.length() - 2), "");
      }
    }
    return values;
  }

  private void assertMainCf(Map<String, String> expected) {
    Map<String, String> effective = mainCfInEffect();
    expected.forEach(
        (name, value) -> assertEquals(value, effective.get(name), "postconf -n: " + name));
  }

  private void assertNoMacroOverrides() {
    mainCfInEffect()
        .keySet()
        .forEach(
            name ->
                assertFalse(
                    name.startsWith("milter_") && name.endsWith("_macros"),
                    name + ": Postwarden requests its macros itself"));
  }

  /**
   * {@code postconf -M} shows the service with the command, and {@code postconf -P} each -o
   * parameter.
   */
  private void assertService(String service, String command, Map<String, String> parameters) {
    String entry = postconf("-M", service).trim();
    assertFalse(entry.isEmpty(), service + " is not in master.cf");
    String[] fields = entry.split("\\s+");
    assertEquals(command, fields[7], "command of " + service + ": " + entry);
    parameters.forEach(
        (name, value) ->
            assertEquals(
                service + "/" + name + " = " + value, postconf("-P", service + "/" + name).trim()));
  }

  /** Nothing on postconf's stderr for the whole configuration, main.cf and master.cf. */
  private void assertClean() {
    for (String[] args :
        List.of(new String[0], new String[] {"-n"}, new String[] {"-M"}, new String[] {"-P"})) {
      ScratchPostfix.Result result = postfix.postconf(args);
      assertEquals(0, result.status(), result.stderr());
      assertEquals("", result.stderr(), "postconf " + String.join(" ", args) + " complained");
    }
  }

  /** The value a map gives for the key, or null. */
  private String lookup(String key, String map) {
    ScratchPostfix.Result result = postfix.postmap("-q", key, map);
    assertTrue(result.status() <= 1, "postmap -q " + key + " " + map + ": " + result.stderr());
    assertEquals("", result.stderr(), "postmap -q " + key + " " + map);
    return result.status() == 0 ? result.stdout().trim() : null;
  }

  /** The main.cf parameters a snippet sets, continuation lines joined as postconf joins them. */
  static Map<String, String> parameters(String snippet) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String current = null;
    for (String line : snippet.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && current != null) {
        parameters.merge(current, line.trim(), (a, b) -> a + " " + b);
        continue;
      }
      int eq = line.indexOf('=');
      current = line.substring(0, eq).trim();
      parameters.put(current, line.substring(eq + 1).trim());
    }
    return parameters;
  }
}
