package io.postwarden.srs.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A local user's forward file, followed as local(8) does (dotforward.c, token.c, include.c): the
 * user comes from the passwd database (Postfix's {@code unix:passwd.byname}, getpwnam), the file
 * from the first {@code forward_path} item that exists, and its entries are mailbox files, commands
 * and :include: files (delivered here) or addresses (sent on, and followed further by the caller).
 */
final class DotForward {

  /** :include: files within :include: files; local(8) stops at 100 levels of any kind. */
  static final int MAX_INCLUDE_DEPTH = 5;

  private static final String INCLUDE = ":include:";

  private final MapLookup passwd;
  private final ForwardPath forwardPath;
  private final String delimiters;
  private final ForwardFiles files;

  /**
   * @param delimiters {@code recipient_delimiter}: any of these characters starts an extension
   */
  DotForward(MapLookup passwd, ForwardPath forwardPath, String delimiters, ForwardFiles files) {
    this.passwd = passwd;
    this.forwardPath = forwardPath;
    this.delimiters = delimiters;
    this.files = files;
  }

  /**
   * The addresses {@code localPart@domain}'s forward file sends the message on to; empty when
   * local(8) delivers it to the mailbox (no such user, no file, a file it ignores or with no
   * entries). Entries delivered here (|command, /file, ~/file) are left out.
   *
   * @throws IOException when it cannot be told (the recipient counts as leaving)
   */
  Optional<List<String>> targets(String localPart, String domain, boolean fromMemory)
      throws IOException {
    String local = localPart.toLowerCase(Locale.ROOT);
    int split = extensionStart(local, delimiters);
    String name = split < 0 ? local : local.substring(0, split);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    List<String> key = List.of(name);
    Optional<String> entry = fromMemory ? passwd.firstRemembered(key) : passwd.first(key);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    LocalUser user = LocalUser.parse(entry.get());
    if (!fromMemory && !Files.isDirectory(user.home())) {
      // local(8) defers such mail; we may not see /home at all (systemd's ProtectHome=yes)
      throw new IOException("cannot see the home directory of " + name + ": " + user.home());
    }
    Map<String, String> attributes = new HashMap<>();
    attributes.put("user", name);
    attributes.put("home", user.home().toString());
    attributes.put("shell", user.shell());
    attributes.put("local", local);
    attributes.put("mailbox", local);
    attributes.put("domain", domain);
    attributes.put("recipient", local + "@" + domain);
    if (split >= 0) {
      attributes.put("extension", local.substring(split + 1));
      attributes.put("recipient_delimiter", local.substring(split, split + 1));
    } else if (!delimiters.isEmpty()) {
      attributes.put("recipient_delimiter", delimiters.substring(0, 1));
    }
    for (Path file : forwardPath.candidates(attributes)) {
      ForwardFiles.Look look = files.look(file, user, true, fromMemory);
      if (look instanceof ForwardFiles.Look.Absent) {
        continue;
      }
      if (look instanceof ForwardFiles.Look.Entries found && !found.entries().isEmpty()) {
        List<String> addresses = new ArrayList<>();
        sendsOn(found.entries(), user, 0, fromMemory, addresses);
        return Optional.of(addresses);
      }
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The addresses among {@code entries}, :include: files followed. */
  private void sendsOn(
      List<String> entries, LocalUser user, int depth, boolean fromMemory, List<String> addresses)
      throws IOException {
    for (String entry : entries) {
      if (entry.startsWith("|") || entry.startsWith("/") || entry.startsWith("~")) {
        continue;
      }
      if (entry.regionMatches(true, 0, INCLUDE, 0, INCLUDE.length())) {
        included(entry.substring(INCLUDE.length()), user, depth, fromMemory, addresses);
      } else if (addresses.size() >= ForwardFiles.MAX_ENTRIES) {
        throw new IOException("more than " + ForwardFiles.MAX_ENTRIES + " forwarding addresses");
      } else {
        // "\\user": the user's mailbox; followed as the address it names, which can only add copies
        addresses.add(entry.startsWith("\\") ? entry.substring(1) : entry);
      }
    }
  }

  private void included(
      String name, LocalUser user, int depth, boolean fromMemory, List<String> addresses)
      throws IOException {
    if (depth >= MAX_INCLUDE_DEPTH) {
      throw new IOException(":include: files nested deeper than " + MAX_INCLUDE_DEPTH);
    }
    Path file;
    try {
      file = Path.of(name);
    } catch (InvalidPathException e) {
      return; // local(8) bounces it: nothing is sent on
    }
    if (!file.isAbsolute()) {
      return; // local(8) refuses a relative :include: path
    }
    if (files.look(file, user, false, fromMemory) instanceof ForwardFiles.Look.Entries found) {
      sendsOn(found.entries(), user, depth + 1, fromMemory, addresses);
    }
  }

  /**
   * Where the extension starts (the delimiter's index), or -1: split_addr(3)'s rules, which never
   * split postmaster, MAILER-DAEMON, owner-* or *-request (with '-' as a delimiter).
   */
  static int extensionStart(String local, String delimiters) {
    if (delimiters.isEmpty() || local.equals("postmaster") || local.equals("mailer-daemon")) {
      return -1;
    }
    if (delimiters.indexOf('-') >= 0
        && (local.startsWith("owner-") || (local.length() > 8 && local.endsWith("-request")))) {
      return -1;
    }
    for (int i = 0; i < local.length(); i++) {
      if (delimiters.indexOf(local.charAt(i)) >= 0) {
        return i == 0 ? -1 : i;
      }
    }
    return -1;
  }
}
