package io.postwarden.deploy.doctor;

import io.postwarden.core.postfix.PostfixCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What doctor needs from Postfix: main.cf parameters as {@code postconf -c DIR -x} prints them
 * ($names expanded), and which daemons master.cf runs chrooted ({@code postconf -M}), which changes
 * where a unix: milter path points.
 */
record PostfixSettings(Path directory, Map<String, String> values, Set<String> chrootedCommands) {

  static final List<String> NAMES =
      List.of(
          "smtpd_milters",
          "non_smtpd_milters",
          "milter_default_action",
          "milter_protocol",
          "milter_command_timeout",
          "milter_content_timeout",
          "myhostname",
          "queue_directory");

  String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("not read from postconf: " + name);
    }
    return value;
  }

  /** {@code postconf}, with {@code -c DIR} unless DIR is Postfix's default. */
  String postconfCommand() {
    return directory.equals(Path.of("/etc/postfix")) ? "postconf" : "postconf -c " + directory;
  }

  Path queueDirectory() {
    return Path.of(get("queue_directory"));
  }

  /** Whether a master.cf service running this command (smtpd, cleanup) is chrooted. */
  boolean chrooted(String command) {
    return chrootedCommands.contains(command);
  }

  /**
   * Where a daemon running {@code command} finds a unix: milter socket: Postfix daemons work in
   * queue_directory, so a relative path is relative to it, and a chrooted daemon sees an absolute
   * path inside it.
   */
  Path socketPath(String postfixPath, String command) {
    Path path = Path.of(postfixPath);
    if (!path.isAbsolute()) {
      return queueDirectory().resolve(path).normalize();
    }
    return chrooted(command)
        ? Path.of(queueDirectory() + path.normalize().toString())
        : path.normalize();
  }

  /**
   * @throws IOException with a message fit for a finding when postconf is missing or refuses the
   *     directory
   */
  static PostfixSettings read(Path directory) throws IOException {
    PostfixCommands postfix = new PostfixCommands(directory);
    List<String> arguments = new ArrayList<>(List.of("-x"));
    arguments.addAll(NAMES);
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : postfix.postconf(arguments.toArray(String[]::new)).split("\n")) {
      int equals = line.indexOf(" =");
      if (equals > 0) {
        values.put(line.substring(0, equals), line.substring(equals + 2).strip());
      }
    }
    for (String name : NAMES) {
      if (!values.containsKey(name)) {
        throw new IOException("postconf printed no " + name);
      }
    }
    // service type private unpriv chroot wakeup maxproc command [args]; "-" is chroot's default, n
    // since 3.0
    Set<String> chrooted = new HashSet<>();
    for (String line : postfix.postconf("-M").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 8 && fields[4].equals("y")) {
        chrooted.add(fields[7]);
      }
    }
    return new PostfixSettings(directory, values, chrooted);
  }
}
