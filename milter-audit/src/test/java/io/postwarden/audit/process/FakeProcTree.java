package io.postwarden.audit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A procfs look-alike in a directory, with the files and links the lookup reads, in the kernel's
 * formats. Addresses are given as the kernel prints them on a little-endian host (x86-64, arm64).
 */
final class FakeProcTree {

  static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
          + "   uid  timeout inode";
  static final String TCP6_HEADER =
      "  sl  local_address                         remote_address"
          + "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
  static final int ESTABLISHED = 0x01;
  static final int TIME_WAIT = 0x06;
  static final int LISTEN = 0x0A;

  final Path root;

  FakeProcTree(Path root) {
    this.root = root;
    tcp();
    tcp6();
    write(root.resolve("self/status"), "Name:\tjava\n");
    write(root.resolve("sys/kernel/pid_max"), "4194304\n");
  }

  /**
   * The pid the kernel allocated last; without it the lookup lists the whole tree for new
   * processes.
   */
  FakeProcTree lastPid(long pid) {
    write(root.resolve("sys/kernel/ns_last_pid"), pid + "\n");
    return this;
  }

  FakeProcTree tcp(String... lines) {
    write(root.resolve("net/tcp"), table(TCP_HEADER, lines));
    return this;
  }

  FakeProcTree tcp6(String... lines) {
    write(root.resolve("net/tcp6"), table(TCP6_HEADER, lines));
    return this;
  }

  /**
   * One socket line in the kernel's format, e.g. {@code line("0100007F:A8CA", "0100007F:0019", 1,
   * 33, 5001)}.
   */
  static String line(String local, String remote, int state, int uid, long inode) {
    return String.format(
        "%s %s %02X 00000000:00000000 00:00000000 00000000 %5d %8d %d"
            + " 1 0000000000000000 20 4 30 10 -1",
        local, remote, state, uid, 0, inode);
  }

  /**
   * A process running as {@code uid}, with defaults for everything the lookup reads. Its directory
   * belongs to {@code uid}, as procfs shows it, so making one for another uid needs root.
   */
  FakeProcess process(long pid, int uid) {
    return new FakeProcess(root.resolve(Long.toString(pid)), uid);
  }

  private static String table(String header, String... lines) {
    StringBuilder text = new StringBuilder(header).append('\n');
    for (int i = 0; i < lines.length; i++) {
      text.append(String.format("%4d: ", i)).append(lines[i]).append('\n');
    }
    return text.toString();
  }

  static void write(Path file, String content) {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final class FakeProcess {
    final Path dir;

    FakeProcess(Path dir, int uid) {
      this.dir = dir;
      write(
          dir.resolve("status"),
          "Name:\tphp-fpm8.2\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t"
              + dir.getFileName()
              + "\nUid:\t"
              + uid
              + "\t"
              + uid
              + "\t"
              + uid
              + "\t"
              + uid
              + "\nGid:\t"
              + uid
              + "\t"
              + uid
              + "\t"
              + uid
              + "\t"
              + uid
              + "\n");
      exe("/usr/sbin/php-fpm8.2");
      commandLine("php-fpm: pool www");
      cgroup("0::/system.slice/php8.2-fpm.service\n");
      link(dir.resolve("fd/0"), "pipe:[90001]");
      ownedBy(uid);
    }

    FakeProcess holding(int fd, long inode) {
      link(dir.resolve("fd/" + fd), "socket:[" + inode + "]");
      return this;
    }

    FakeProcess exe(String target) {
      link(dir.resolve("exe"), target);
      return this;
    }

    /** The arguments, each NUL-terminated as the kernel keeps them. */
    FakeProcess commandLine(String... arguments) {
      return commandLine(
          Arrays.stream(arguments)
              .map(a -> a + "\0")
              .collect(Collectors.joining())
              .getBytes(StandardCharsets.UTF_8));
    }

    FakeProcess commandLine(byte[] raw) {
      write(dir.resolve("cmdline"), raw);
      return this;
    }

    FakeProcess cgroup(String content) {
      write(dir.resolve("cgroup"), content);
      return this;
    }

    /**
     * Sets the directory's owner, as procfs does with the effective uid (changing it needs root).
     */
    FakeProcess ownedBy(int uid) {
      try {
        Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private static void link(Path link, String target) {
      try {
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
