package io.postwarden.audit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CommandLineRedactorTest {

  static final CommandLineRedactor DEFAULT = new CommandLineRedactor(true, List.of());

  static Arguments vector(String name, List<String> in, List<String> out) {
    return Arguments.of(name, in, out);
  }

  /** Input argv → recorded argv. */
  static Stream<Arguments> vectors() {
    return Stream.of(
        vector(
            "separate value",
            List.of("app", "--password", "hunter2", "--verbose"),
            List.of("app", "--password", "***", "--verbose")),
        vector(
            "attached value",
            List.of("app", "--password=hunter2"),
            List.of("app", "--password=***")),
        vector(
            "secret-named options",
            List.of(
                "app",
                "--db-password",
                "a",
                "--token",
                "b",
                "--api-key",
                "c",
                "--secret",
                "d",
                "--apikey=e",
                "--client-secret=f",
                "--auth-token",
                "g"),
            List.of(
                "app",
                "--db-password",
                "***",
                "--token",
                "***",
                "--api-key",
                "***",
                "--secret",
                "***",
                "--apikey=***",
                "--client-secret=***",
                "--auth-token",
                "***")),
        vector(
            "single-dash long options",
            List.of("keytool", "-storepass", "changeit", "-keypass", "x"),
            List.of("keytool", "-storepass", "***", "-keypass", "***")),
        vector(
            "openssl -pass",
            List.of("openssl", "enc", "-pass", "pass:s3cret", "-in", "f"),
            List.of("openssl", "enc", "-pass", "***", "-in", "f")),
        vector(
            "option last, nothing to hide",
            List.of("app", "--password"),
            List.of("app", "--password")),
        vector(
            "empty attached value", List.of("app", "--password="), List.of("app", "--password=")),
        vector(
            "file and flag variants are not secrets",
            List.of(
                "app",
                "--password-file",
                "/etc/app/pw",
                "--no-password",
                "db",
                "--bypass",
                "x",
                "--compass=n"),
            List.of(
                "app",
                "--password-file",
                "/etc/app/pw",
                "--no-password",
                "db",
                "--bypass",
                "x",
                "--compass=n")),
        vector(
            "mysql attached -p",
            List.of("/usr/bin/mysql", "-uroot", "-ps3cr3t", "shop"),
            List.of("/usr/bin/mysql", "-uroot", "-p***", "shop")),
        vector(
            "mysql -p alone prompts: the next argument is not its value",
            List.of("mysql", "-u", "root", "-p", "shop"),
            List.of("mysql", "-u", "root", "-p", "shop")),
        vector(
            "mysql --password alone prompts too",
            List.of("mysqldump", "--password", "shop"),
            List.of("mysqldump", "--password", "shop")),
        vector(
            "mysql --password=",
            List.of("mariadb-dump", "--password=s3cr3t", "shop"),
            List.of("mariadb-dump", "--password=***", "shop")),
        vector(
            "-pX of other programs is not a password",
            List.of("ssh", "-p2222", "host", "cp", "-pr", "a", "b"),
            List.of("ssh", "-p2222", "host", "cp", "-pr", "a", "b")),
        vector(
            "URL password",
            List.of("php", "send.php", "smtp://mailer:pa55@mail.example:587"),
            List.of("php", "send.php", "smtp://mailer:***@mail.example:587")),
        vector(
            "URL password containing @",
            List.of("psql", "postgresql://u:p@ss@db.example/x"),
            List.of("psql", "postgresql://u:***@db.example/x")),
        vector(
            "URLs without a password unchanged",
            List.of(
                "git",
                "clone",
                "https://user@git.example/r.git",
                "http://host:8080/a?b=c",
                "x@y.example"),
            List.of(
                "git",
                "clone",
                "https://user@git.example/r.git",
                "http://host:8080/a?b=c",
                "x@y.example")),
        vector(
            "query parameter",
            List.of("curl", "https://api.example/v1?api_key=k123&q=1"),
            List.of("curl", "https://api.example/v1?api_key=***&q=1")),
        vector(
            "assignments",
            List.of(
                "env",
                "DB_PASSWORD=x",
                "MYSQL_PWD=y",
                "AWS_SECRET_ACCESS_KEY=z",
                "HOME=/root",
                "php",
                "x.php"),
            List.of(
                "env",
                "DB_PASSWORD=***",
                "MYSQL_PWD=***",
                "AWS_SECRET_ACCESS_KEY=***",
                "HOME=/root",
                "php",
                "x.php")),
        vector(
            "java system property",
            List.of("java", "-Dspring.datasource.password=x", "-jar", "a.jar"),
            List.of("java", "-Dspring.datasource.password=***", "-jar", "a.jar")),
        vector(
            "DSN",
            List.of("php", "mysql:host=db;dbname=shop;password=s3cr3t"),
            List.of("php", "mysql:host=db;dbname=shop;password=***")),
        vector(
            "curl user:password",
            List.of("curl", "-u", "alice:pw", "--user=bob:pw2", "-ucarol:pw3", "x"),
            List.of("curl", "-u", "alice:***", "--user=bob:***", "-ucarol:***", "x")),
        vector(
            "curl user without password",
            List.of("curl", "-u", "alice", "x"),
            List.of("curl", "-u", "alice", "x")),
        vector(
            "authorization header",
            List.of("curl", "-H", "Authorization: Bearer abc.def", "https://x.example"),
            List.of("curl", "-H", "Authorization: Bearer ***", "https://x.example")),
        vector(
            "shell command in one argument",
            List.of("sh", "-c", "mysql -uroot -ps3cr3t shop < dump.sql"),
            List.of("sh", "-c", "mysql -uroot -p*** shop < dump.sql")),
        vector(
            "shell command with assignment and options",
            List.of("/bin/sh", "-c", "PASSWORD=x ./send  --token abc --to a@b.example"),
            List.of("/bin/sh", "-c", "PASSWORD=*** ./send  --token *** --to a@b.example")),
        vector("process title", List.of("php-fpm: pool www"), List.of("php-fpm: pool www")),
        vector(
            "nothing secret",
            List.of("/usr/bin/swaks", "--server", "127.0.0.1", "--port", "25"),
            List.of("/usr/bin/swaks", "--server", "127.0.0.1", "--port", "25")),
        vector("no arguments", List.of(), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void redactsTheUsualSecretForms(String name, List<String> in, List<String> out) {
    assertEquals(out, DEFAULT.redact(in));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void redactingTwiceChangesNothingMore(String name, List<String> in, List<String> out) {
    assertEquals(out, DEFAULT.redact(DEFAULT.redact(in)));
  }

  @Test
  void offRecordsCommandLinesAsTheyAre() {
    List<String> line = List.of("mysql", "-ps3cr3t", "--password=x", "smtp://u:p@h");

    assertEquals(line, new CommandLineRedactor(false, List.of()).redact(line));
  }

  @Test
  void operatorPatternsHideTheirFirstGroupOrTheWholeMatch() {
    CommandLineRedactor redactor =
        new CommandLineRedactor(
            true, List.of(Pattern.compile("sk_live_\\w+"), Pattern.compile("--license[ =](\\S+)")));

    assertEquals(
        List.of("app", "***", "--license=***", "--password=***"),
        redactor.redact(List.of("app", "sk_live_abc123", "--license=ABCD-EFGH", "--password=x")));
    assertEquals(
        List.of("sh", "-c", "app --license *** --key ***"),
        redactor.redact(List.of("sh", "-c", "app --license ABCD --key sk_live_1")));
  }

  @Test
  void operatorPatternsApplyWithTheBuiltInRulesOff() {
    CommandLineRedactor redactor =
        new CommandLineRedactor(false, List.of(Pattern.compile("sk_live_\\w+")));

    assertEquals(
        List.of("app", "***", "--password=x"),
        redactor.redact(List.of("app", "sk_live_abc123", "--password=x")));
  }

  @Test
  void secretNames() {
    for (String name :
        List.of(
            "password",
            "PASSWORD",
            "db-password",
            "passwd",
            "pass",
            "db_pass",
            "pwd",
            "MYSQL_PWD",
            "token",
            "api-key",
            "apikey",
            "secret",
            "client.secret",
            "passphrase",
            "credentials")) {
      assertTrue(CommandLineRedactor.secretName(name), name);
    }
    for (String name :
        List.of(
            "p",
            "password-file",
            "no-password",
            "bypass",
            "compass",
            "passive",
            "keyfile",
            "user",
            "token-type",
            "secret-file",
            "port")) {
      assertFalse(CommandLineRedactor.secretName(name), name);
    }
  }
}
