package io.postwarden.it.ops;

import static org.junit.jupiter.api.Assertions.*;

import io.postwarden.audit.log.Json;
import io.postwarden.core.CoreKeys;
import io.postwarden.core.json.JsonReader;
import io.postwarden.it.RunningPostwarden;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/ query only series the real daemon
 * exports: every metric name, every label a matcher or {@code by} names, and every label value a
 * matcher filters on is checked against a scrape of Postwarden's /metrics, started with the
 * production policies (guard, SRS, From: repair, limits, audit). Renaming a metric, a label or a
 * label value in the code fails this test until deploy/ follows.
 *
 * <p>Names are compared as PromQL sees them: a histogram is queried as {@code ..._bucket}, {@code
 * ..._count}, {@code ..._sum} (and Micrometer's {@code ..._max}), which are exactly the sample
 * names in the scrape, so no suffix is stripped. Two kinds of name are not in a scrape and are
 * allowed explicitly: the series Prometheus itself adds per target ({@code up}), and the target
 * labels it attaches to every series ({@code instance}, {@code job}). JVM GC series appear only
 * after a first collection, so the test forces one before scraping.
 *
 * <p>The rules, their unit tests (alerts.test.yml), the scrape config and every dashboard query
 * also go through promtool's PromQL parser. scripts/install-deps puts promtool in
 * /opt/postwarden-test-tools/bin (taken from Debian's prometheus package, whose server is never
 * installed); the PATH, the PROMTOOL environment variable or the {@code promtool} system property
 * may name another.
 */
class DashboardMetricsTest {

  /**
   * Labels Prometheus attaches to every scraped series from the target; /metrics never has them.
   */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

  /** Series Prometheus generates for each target rather than scraping them. */
  private static final Set<String> SYNTHETIC_SERIES = Set.of("up");

  /**
   * Grafana's built-in variables a query may use, besides the dashboard's own template variables.
   */
  private static final Set<String> GRAFANA_BUILTINS =
      Set.of(
          "__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms");

  private static final Set<String> EXPECTED_ALERTS =
      Set.of(
          "PostwardenDown",
          "PostwardenErrors",
          "GuardRefusalSpike",
          "SrsInvalidSpike",
          "PostwardenAuditDropping",
          "PolicyLatencyHigh",
          "SenderHitLimit",
          "HeldQueueGrowing",
          "LimitsStateRefused",
          "LimitsRedisUnavailable",
          "SrsLongSenderStoreRefusing");

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
  private static final Pattern LEGEND_LABEL =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
  private static final Pattern LITERAL_ALTERNATION =
      Pattern.compile("[A-Za-z0-9_.:-]+(\\|[A-Za-z0-9_.:-]+)*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");

  private static final Path DEPLOY = deployDirectory();
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/postwarden.json");
  private static final Path ALERTS = DEPLOY.resolve("prometheus/alerts.yml");
  private static final Path ALERT_TESTS = DEPLOY.resolve("prometheus/alerts.test.yml");
  private static final Path SCRAPE_CONFIG = DEPLOY.resolve("prometheus/scrape.yml");

  private static final RunningPostwarden postwarden =
      new RunningPostwarden(
          "srs-domain = srs.test.example\nsocketmap = { \"inet:127.0.0.1:0\" }\n"
              // lazy SRS exports its metrics only when on; no DNS is asked before a message is
              // forwarded
              + "srs-lazy = true\nsrs-outbound-addresses = { 198.51.100.25 }\n");
  private static Exposition scrape;

  /** Where a query comes from, its PromQL, and its legend (dashboard only). */
  record Query(String where, String expr, String legend) {}

  @BeforeAll
  static void startAndScrape() throws Exception {
    postwarden.start();
    System.gc(); // JvmGcMetrics registers jvm_gc_pause_seconds_* at the first collection it sees
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    do {
      scrape = Exposition.parse(scrapeMetrics());
      if (scrape.has("jvm_gc_pause_seconds_count")) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    assertTrue(
        scrape.has("postwarden_sessions_active"),
        "scrape lacks Postwarden's metrics: " + scrape.names());
    assertTrue(
        scrape.has("jvm_gc_pause_seconds_count"),
        "no GC pause series 15 s after System.gc() (explicit GC disabled?); the dashboard's GC panel needs one");
    assertEquals(
        Set.of("none", "guard", "srs", "from-repair", "limits", "audit"),
        scrape.labelValues("postwarden_verdicts_total", "policy"),
        "the production policies should be running");
  }

  @AfterAll
  static void stop() {
    postwarden.close();
  }

  // --- the dashboard
  // ---------------------------------------------------------------------------------------

  @Test
  void dashboardIsValidJsonWithTheExpectedVariables() throws IOException {
    Map<String, Object> dashboard = dashboard();
    assertTrue(
        number(dashboard.get("schemaVersion")) >= 36,
        "schemaVersion "
            + dashboard.get("schemaVersion")
            + ": data source references must be objects (>= 36)");
    assertFalse(string(dashboard.get("uid")).isBlank(), "dashboard uid");
    assertFalse(string(dashboard.get("title")).isBlank(), "dashboard title");

    Map<String, Map<String, Object>> variables = templateVariables(dashboard);
    Map<String, Object> datasource = variables.get("datasource");
    assertNotNull(datasource, "template variable 'datasource' missing: " + variables.keySet());
    assertEquals("datasource", datasource.get("type"));
    assertEquals("prometheus", datasource.get("query"));

    Map<String, Object> instance = variables.get("instance");
    assertNotNull(instance, "template variable 'instance' missing: " + variables.keySet());
    assertEquals("query", instance.get("type"));
    assertDatasourceVariable("variable instance", instance.get("datasource"));
    Object query = instance.get("query");
    String queryText = query instanceof Map<?, ?> map ? string(map.get("query")) : string(query);
    Matcher labelValues =
        Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*(\\w+)\\s*\\)")
            .matcher(queryText);
    assertTrue(labelValues.matches(), "instance variable query: " + queryText);
    assertEquals("postwarden_sessions_active", labelValues.group(1));
    assertEquals("instance", labelValues.group(2));
    assertTrue(
        scrape.has(labelValues.group(1)),
        "instance variable queries a metric not exported: " + queryText);
  }

  @Test
  void everyPanelAndTargetUsesTheDatasourceVariable() throws IOException {
    List<String> failures = new ArrayList<>();
    Set<Object> ids = new LinkedHashSet<>();
    List<Map<String, Object>> panels = panels(dashboard());
    assertFalse(panels.isEmpty(), "no panels");
    for (Map<String, Object> panel : panels) {
      String where = where(panel);
      if (!ids.add(panel.get("id"))) {
        failures.add(where + ": duplicate or missing panel id " + panel.get("id"));
      }
      if (!(panel.get("gridPos") instanceof Map)) {
        failures.add(where + ": no gridPos");
      }
      failures.addAll(datasourceFailures(where, panel.get("datasource")));
      if ("row".equals(panel.get("type"))) {
        continue;
      }
      List<Object> targets = list(panel.get("targets"));
      if (targets.isEmpty()) {
        failures.add(where + ": no targets");
      }
      Set<String> refIds = new LinkedHashSet<>();
      for (Object t : targets) {
        Map<String, Object> target = map(t);
        failures.addAll(
            datasourceFailures(where + " target " + target.get("refId"), target.get("datasource")));
        if (string(target.get("expr")).isBlank()) {
          failures.add(where + " target " + target.get("refId") + ": empty expr");
        }
        if (!refIds.add(string(target.get("refId")))) {
          failures.add(where + ": duplicate refId " + target.get("refId"));
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void everyDashboardQueryUsesExportedMetricsLabelsAndValues() throws IOException {
    Map<String, Object> dashboard = dashboard();
    List<Query> queries = dashboardQueries(dashboard);
    Set<String> known = new TreeSet<>(templateVariables(dashboard).keySet());
    known.addAll(GRAFANA_BUILTINS);
    List<String> failures = new ArrayList<>();
    for (Query query : queries) {
      Matcher variable = VARIABLE.matcher(query.expr());
      while (variable.find()) {
        String name =
            Stream.of(variable.group(1), variable.group(2), variable.group(3))
                .filter(g -> g != null)
                .findFirst()
                .orElseThrow();
        if (!known.contains(name)) {
          failures.add(query.where() + ": unknown variable $" + name + " in " + query.expr());
        }
      }
    }
    Report report = check(queries, failures);
    System.out.println("DashboardMetricsTest: dashboard " + report);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /**
   * Each Postwarden metric family the daemon exports is shown somewhere, so a new or renamed metric
   * also shows up here (delete this test if metrics may exist without a panel).
   */
  @Test
  void dashboardShowsEveryPostwardenMetricFamily() throws IOException {
    Set<String> used = new TreeSet<>();
    for (Query query : dashboardQueries(dashboard())) {
      PromQl.analyse(query.expr()).selectors().forEach(s -> used.add(family(s.metric())));
    }
    Set<String> missing = new TreeSet<>();
    for (String name : scrape.names()) {
      if (name.startsWith("postwarden_") && !used.contains(family(name))) {
        missing.add(family(name));
      }
    }
    assertTrue(missing.isEmpty(), "exported but on no dashboard panel: " + missing);
  }

  // --- the alert rules
  // ---------------------------------------------------------------------------------------

  @Test
  void alertRulesAreWellFormedAndActionable() throws IOException {
    List<Map<String, Object>> rules = alertRules();
    List<String> failures = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (Map<String, Object> rule : rules) {
      String name = string(rule.get("alert"));
      String where = "alert " + name;
      if (name.isBlank()) {
        failures.add("rule without an alert name: " + rule);
        continue;
      }
      if (!names.add(name)) {
        failures.add(where + ": defined twice");
      }
      Set<String> unknownKeys = new TreeSet<>(rule.keySet());
      unknownKeys.removeAll(
          Set.of("alert", "expr", "for", "keep_firing_for", "labels", "annotations"));
      if (!unknownKeys.isEmpty()) {
        failures.add(where + ": unknown keys " + unknownKeys);
      }
      if (string(rule.get("expr")).isBlank()) {
        failures.add(where + ": no expr");
      }
      if (rule.get("for") != null && !DURATION.matcher(string(rule.get("for"))).matches()) {
        failures.add(where + ": 'for' is not a duration: " + rule.get("for"));
      }
      Map<String, Object> labels = rule.get("labels") == null ? Map.of() : map(rule.get("labels"));
      if (!Set.of("critical", "warning", "info").contains(string(labels.get("severity")))) {
        failures.add(
            where
                + ": severity label must be critical, warning or info: "
                + labels.get("severity"));
      }
      Map<String, Object> annotations =
          rule.get("annotations") == null ? Map.of() : map(rule.get("annotations"));
      for (String annotation : List.of("summary", "description")) {
        if (string(annotations.get(annotation)).isBlank()) {
          failures.add(where + ": no " + annotation + " annotation");
        }
      }
      if (string(annotations.get("description")).length() < 80) {
        failures.add(where + ": the description should tell the operator what to check");
      }
    }
    Set<String> missing = new TreeSet<>(EXPECTED_ALERTS);
    missing.removeAll(names);
    if (!missing.isEmpty()) {
      failures.add("alerts missing: " + missing);
    }
    rules.stream()
        .filter(r -> "PostwardenDown".equals(r.get("alert")))
        .findFirst()
        .ifPresent(
            rule -> {
              if (!"2m".equals(rule.get("for"))) {
                failures.add("PostwardenDown should wait 2m, has for: " + rule.get("for"));
              }
            });
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void everyAlertQueryUsesExportedMetricsLabelsAndValues() throws IOException {
    List<Query> queries =
        alertRules().stream()
            .map(rule -> new Query("alert " + rule.get("alert"), string(rule.get("expr")), null))
            .toList();
    List<String> failures = new ArrayList<>();
    Report report = check(queries, failures);
    System.out.println("DashboardMetricsTest: alerts " + report);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void scrapeConfigTargetsTheDefaultMetricsAddressUnderTheJobTheAlertsSelect() throws IOException {
    Map<String, Object> config = map(SimpleYaml.parse(Files.readString(SCRAPE_CONFIG)));
    List<Map<String, Object>> jobs =
        list(config.get("scrape_configs")).stream()
            .map(DashboardMetricsTest::map)
            .filter(job -> "postwarden".equals(job.get("job_name")))
            .toList();
    assertEquals(1, jobs.size(), "one scrape job named postwarden in " + SCRAPE_CONFIG);
    Map<String, Object> job = jobs.get(0);
    assertEquals("/metrics", job.get("metrics_path"));
    assertTrue(DURATION.matcher(string(job.get("scrape_interval"))).matches(), "scrape_interval");
    List<Object> targets =
        list(job.get("static_configs")).stream()
            .flatMap(c -> list(map(c).get("targets")).stream())
            .toList();
    assertEquals(
        List.of(CoreKeys.METRICS_LISTEN.defaultValue()),
        targets,
        "the target should be Postwarden's default metrics-listen");

    Set<String> jobsSelected = new TreeSet<>();
    for (Map<String, Object> rule : alertRules()) {
      for (PromQl.Selector selector : PromQl.analyse(string(rule.get("expr"))).selectors()) {
        selector.matchers().stream()
            .filter(m -> m.label().equals("job"))
            .forEach(m -> jobsSelected.add(m.op() + m.value()));
      }
    }
    assertEquals(
        Set.of("=postwarden"), jobsSelected, "alert rules should select the scrape job by name");
  }

  // --- promtool, when installed
  // ------------------------------------------------------------------------------

  @Test
  void promtoolAcceptsTheRulesTheirUnitTestsTheScrapeConfigAndEveryDashboardQuery()
      throws Exception {
    Optional<Path> promtool = promtool();
    assertTrue(
        promtool.isPresent(),
        "promtool not found in "
            + TEST_TOOLS
            + ", on the PATH, in PROMTOOL or -Dpromtool: run scripts/install-deps --test");
    runPromtool(promtool.get(), "check", "rules", ALERTS.toString());
    runPromtool(promtool.get(), "test", "rules", ALERT_TESTS.toString());
    runPromtool(promtool.get(), "check", "config", SCRAPE_CONFIG.toString());

    Map<String, Object> dashboard = dashboard();
    List<Query> queries = dashboardQueries(dashboard);
    StringBuilder rules =
        new StringBuilder("{\"groups\": [{\"name\": \"dashboard\", \"rules\": [\n");
    for (int i = 0; i < queries.size(); i++) {
      String expr =
          queries
              .get(i)
              .expr()
              .replace("$__rate_interval", "1m")
              .replace("$__interval", "1m")
              .replace("$__range", "1h");
      for (String variable : templateVariables(dashboard).keySet()) {
        expr = expr.replace("${" + variable + "}", ".*").replace("$" + variable, ".*");
      }
      rules
          .append(i == 0 ? "" : ",\n")
          .append(new Json().string("record", "dashboard:query_" + i).string("expr", expr));
    }
    rules.append("\n]}]}\n");
    Path file = Files.createTempFile("postwarden-dashboard-queries-", ".yml");
    try {
      Files.writeString(file, rules);
      runPromtool(promtool.get(), "check", "rules", file.toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  // --- checking queries against the scrape
  // -------------------------------------------------------------------

  record Report(
      int expressions, int selectors, Set<String> metrics, int labelMatchers, int groupingLabels) {
    @Override
    public String toString() {
      return expressions
          + " expressions, "
          + selectors
          + " selectors, "
          + metrics.size()
          + " distinct metric names, "
          + labelMatchers
          + " label matchers, "
          + groupingLabels
          + " grouping/legend labels verified: "
          + metrics;
    }
  }

  private static Report check(List<Query> queries, List<String> failures) {
    int selectors = 0;
    int matchers = 0;
    int grouping = 0;
    Set<String> metrics = new TreeSet<>();
    for (Query query : queries) {
      PromQl.Analysis analysis;
      try {
        analysis = PromQl.analyse(query.expr());
      } catch (IllegalArgumentException e) {
        failures.add(query.where() + ": " + e.getMessage());
        continue;
      }
      if (analysis.selectors().isEmpty()) {
        failures.add(query.where() + ": selects no series: " + query.expr());
      }
      Set<String> labelsInScope = new TreeSet<>(TARGET_LABELS);
      for (PromQl.Selector selector : analysis.selectors()) {
        selectors++;
        String metric = selector.metric();
        if (metric == null) {
          failures.add(query.where() + ": selector without a metric name in " + query.expr());
          continue;
        }
        metrics.add(metric);
        boolean synthetic = SYNTHETIC_SERIES.contains(metric);
        if (!synthetic && !scrape.has(metric)) {
          failures.add(query.where() + ": " + metric + " is not exported" + nearNames(metric));
          continue;
        }
        labelsInScope.addAll(scrape.labelNames(metric));
        for (PromQl.Matcher matcher : selector.matchers()) {
          matchers++;
          String problem =
              TARGET_LABELS.contains(matcher.label())
                  ? null
                  : synthetic
                      ? "only target labels exist on " + metric
                      : matcherProblem(metric, matcher);
          if (problem != null) {
            failures.add(query.where() + ": " + metric + "{" + matcher + "}: " + problem);
          }
        }
      }
      Set<String> legendLabels = new TreeSet<>();
      if (query.legend() != null) {
        Matcher legend = LEGEND_LABEL.matcher(query.legend());
        while (legend.find()) {
          legendLabels.add(legend.group(1));
        }
      }
      for (String label : analysis.groupingLabels()) {
        grouping++;
        if (!labelsInScope.contains(label)) {
          failures.add(
              query.where()
                  + ": groups by '"
                  + label
                  + "', a label none of its metrics has "
                  + labelsInScope);
        }
      }
      boolean aggregatedBy =
          !analysis.groupingLabels().isEmpty() && !query.expr().contains("without");
      for (String label : legendLabels) {
        grouping++;
        Set<String> available = aggregatedBy ? analysis.groupingLabels() : labelsInScope;
        if (!available.contains(label)) {
          failures.add(query.where() + ": legend uses {{" + label + "}}, not among " + available);
        }
      }
    }
    return new Report(queries.size(), selectors, metrics, matchers, grouping);
  }

  private static String matcherProblem(String metric, PromQl.Matcher matcher) {
    Set<String> values = scrape.labelValues(metric, matcher.label());
    if (values.isEmpty()) {
      return "no such label; " + metric + " has " + scrape.labelNames(metric);
    }
    String value = matcher.value();
    if (VARIABLE.matcher(value).find()) {
      return null; // a dashboard variable: its values come from the data, not from this file
    }
    if (matcher.op().equals("=") || matcher.op().equals("!=")) {
      return values.contains(value) ? null : "value not exported; exported values: " + values;
    }
    if (LITERAL_ALTERNATION.matcher(value).matches()) {
      Set<String> absent = new TreeSet<>(List.of(value.split("\\|")));
      absent.removeAll(values);
      return absent.isEmpty()
          ? null
          : "values " + absent + " not exported; exported values: " + values;
    }
    Pattern pattern = Pattern.compile(value);
    return values.stream().anyMatch(v -> pattern.matcher(v).matches())
        ? null
        : "regex matches none of the exported values " + values;
  }

  private static String nearNames(String metric) {
    String[] words = metric.split("_");
    String prefix = words.length > 2 ? words[0] + "_" + words[1] + "_" : metric;
    List<String> near = scrape.names().stream().filter(n -> n.startsWith(prefix)).toList();
    return near.isEmpty() ? "" : " (exported with prefix " + prefix + ": " + near + ")";
  }

  /** A histogram's samples share the family name without the suffix. */
  private static String family(String name) {
    if (name == null) {
      return "";
    }
    String stem = name.replaceAll("_(bucket|count|sum|max)$", "");
    return !stem.equals(name) && scrape.has(stem + "_count") ? stem : name;
  }

  // --- reading the files
  // ---------------------------------------------------------------------------------------

  private static Map<String, Object> dashboard() throws IOException {
    return JsonReader.object(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
  }

  private static List<Map<String, Object>> panels(Map<String, Object> dashboard) {
    List<Map<String, Object>> panels = new ArrayList<>();
    for (Object p : list(dashboard.get("panels"))) {
      Map<String, Object> panel = map(p);
      panels.add(panel);
      if (panel.get("panels") != null) {
        list(panel.get("panels"))
            .forEach(nested -> panels.add(map(nested))); // inside a collapsed row
      }
    }
    return panels;
  }

  private static List<Query> dashboardQueries(Map<String, Object> dashboard) {
    List<Query> queries = new ArrayList<>();
    for (Map<String, Object> panel : panels(dashboard)) {
      if (panel.get("targets") == null) {
        continue;
      }
      for (Object t : list(panel.get("targets"))) {
        Map<String, Object> target = map(t);
        queries.add(
            new Query(
                where(panel) + " target " + target.get("refId"),
                string(target.get("expr")),
                target.get("legendFormat") == null ? null : string(target.get("legendFormat"))));
      }
    }
    return queries;
  }

  private static Map<String, Map<String, Object>> templateVariables(Map<String, Object> dashboard) {
    Map<String, Map<String, Object>> variables = new LinkedHashMap<>();
    for (Object v : list(map(dashboard.get("templating")).get("list"))) {
      variables.put(string(map(v).get("name")), map(v));
    }
    return variables;
  }

  private static List<Map<String, Object>> alertRules() throws IOException {
    Map<String, Object> file =
        map(SimpleYaml.parse(Files.readString(ALERTS, StandardCharsets.UTF_8)));
    assertEquals(Set.of("groups"), file.keySet(), "top level of " + ALERTS);
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object g : list(file.get("groups"))) {
      Map<String, Object> group = map(g);
      assertFalse(string(group.get("name")).isBlank(), "rule group without a name");
      list(group.get("rules")).forEach(r -> rules.add(map(r)));
    }
    return rules;
  }

  private static List<String> datasourceFailures(String where, Object datasource) {
    if (datasource instanceof Map<?, ?> ref
        && "${datasource}".equals(ref.get("uid"))
        && "prometheus".equals(ref.get("type"))) {
      return List.of();
    }
    return List.of(
        where + ": datasource should be {type: prometheus, uid: ${datasource}}, is " + datasource);
  }

  private static void assertDatasourceVariable(String where, Object datasource) {
    List<String> failures = datasourceFailures(where, datasource);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static String where(Map<String, Object> panel) {
    return "panel " + panel.get("id") + " \"" + panel.get("title") + "\"";
  }

  // --- the daemon
  // -------------------------------------------------------------------------------------------

  private static String scrapeMetrics() throws IOException, InterruptedException {
    int port = postwarden.daemon().metricsAddress().orElseThrow().getPort();
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), "GET /metrics");
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        "Content-Type " + response.headers().firstValue("Content-Type"));
    return response.body();
  }

  // --- helpers
  // ---------------------------------------------------------------------------------------------

  private static Path deployDirectory() {
    Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/grafana/postwarden.json"))) {
        return dir.resolve("deploy");
      }
    }
    throw new IllegalStateException("deploy/grafana/postwarden.json not found above " + here);
  }

  private static final Path TEST_TOOLS = Path.of("/opt/postwarden-test-tools/bin");

  private static Optional<Path> promtool() {
    String named = System.getProperty("promtool", System.getenv("PROMTOOL"));
    if (named != null && !named.isBlank()) {
      return Optional.of(Path.of(named));
    }
    return Stream.concat(
            Stream.of(TEST_TOOLS.toString()),
            Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)))
        .filter(dir -> !dir.isBlank())
        .map(dir -> Path.of(dir, "promtool"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static void runPromtool(Path promtool, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(promtool.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish: " + command);
    String text = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + text);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertInstanceOf(Map.class, value, "expected an object/mapping");
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertInstanceOf(List.class, value, "expected an array/sequence");
    return (List<Object>) value;
  }

  private static String string(Object value) {
    return value == null ? "" : value.toString();
  }

  private static double number(Object value) {
    assertInstanceOf(Number.class, value, "expected a number");
    return ((Number) value).doubleValue();
  }
}
