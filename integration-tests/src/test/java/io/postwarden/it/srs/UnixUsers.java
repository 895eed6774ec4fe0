package io.postwarden.it.srs;

import io.postwarden.it.harness.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Real Unix users (useradd, as root) with homes in a scratch directory, for local(8) to deliver to
 * and read forward files of; removed again (userdel) by {@link #close}. Names are random, so runs
 * on one machine do not meet.
 */
final class UnixUsers implements AutoCloseable {

  private final Path homes;
  private final List<String> created = new ArrayList<>();

  UnixUsers() {
    try {
      homes = Files.createTempDirectory("postwarden-homes");
      Files.setPosixFilePermissions(homes, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new user with an empty home directory of its own (mode 0755); its name. */
  String create(String prefix) {
    String name = prefix + UUID.randomUUID().toString().substring(0, 6).toLowerCase(Locale.ROOT);
    Path home = home(name);
    run("useradd", "-M", "-d", home.toString(), "-s", "/usr/sbin/nologin", name);
    created.add(name);
    try {
      Files.createDirectory(home);
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run("chown", name + ":", home.toString());
    return name;
  }

  Path home(String name) {
    return homes.resolve(name);
  }

  /** Writes a file in the user's home, owned by the user (as local(8) wants a forward file). */
  Path writeOwned(String name, String file, String content) {
    try {
      Path path = Files.writeString(home(name).resolve(file), content);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
      run("chown", name + ":", path.toString());
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The messages local(8) delivered to the user's ~/Maildir/new, waiting up to {@code wait}. */
  List<String> awaitMaildir(String name, int count, Duration wait) {
    Path inbox = home(name).resolve("Maildir/new");
    Readiness.poll(wait, () -> maildir(inbox).size() >= count);
    return maildir(inbox);
  }

  private static List<String> maildir(Path inbox) {
    if (!Files.isDirectory(inbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(inbox)) {
      List<String> messages = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        messages.add(Files.readString(file));
      }
      return messages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (String name : created) {
      run("userdel", name);
    }
    created.clear();
    run("rm", "-rf", homes.toString());
  }

  private static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
