package io.postwarden.audit.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lookup as it was before sock_diag (docs/decisions/0016-sock-diag-peer-lookup.md), kept only
 * as the benchmark's baseline: /proc/net/tcp{,6} scanned for the socket, then every process listed
 * and read, the socket owner's first, newest first, with the 64 most recent holders read before all
 * others. Answers found-or-not only.
 */
final class LegacyPeerLookup {

  private static final int RECENT_HOLDERS = 64;

  private final Path procRoot;
  private final TcpSocketTable table;
  private final ProcessFactsReader processes;
  private final Map<Long, Boolean> recentHolders =
      new LinkedHashMap<>(RECENT_HOLDERS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > RECENT_HOLDERS;
        }
      };

  LegacyPeerLookup(Path procRoot, Path passwd) {
    this.procRoot = procRoot;
    this.table = new TcpSocketTable(procRoot);
    this.processes = new ProcessFactsReader(procRoot, new PasswdFile(passwd));
  }

  /** The holder's description, or empty if the socket or its holder was not found. */
  Optional<PeerProcess> lookup(InetSocketAddress client, InetSocketAddress server)
      throws IOException {
    Optional<ClientSocket> socket = table.find(client, server);
    if (socket.isEmpty() || socket.get().orphaned()) {
      return Optional.empty();
    }
    Path link = procRoot.getFileSystem().getPath("socket:[" + socket.get().inode() + "]");
    List<Long> recent = new ArrayList<>(recentHolders.keySet());
    java.util.Collections.reverse(recent);
    for (long pid : recent) {
      if (ownerUid(pid) == socket.get().uid() && holds(pid, link)) {
        return describe(pid);
      }
    }
    List<Long> otherUsers = new ArrayList<>();
    for (long pid : processesNewestFirst()) {
      if (recent.contains(pid)) {
        continue;
      }
      if (ownerUid(pid) != socket.get().uid()) {
        otherUsers.add(pid);
      } else if (holds(pid, link)) {
        return describe(pid);
      }
    }
    for (long pid : otherUsers) {
      if (holds(pid, link)) {
        return describe(pid);
      }
    }
    return Optional.empty();
  }

  private Optional<PeerProcess> describe(long pid) throws IOException {
    recentHolders.put(pid, Boolean.TRUE);
    return Optional.of(processes.read(pid));
  }

  private List<Long> processesNewestFirst() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
          pids.add(Long.parseLong(name));
        }
      }
    }
    pids.sort(Comparator.reverseOrder());
    return pids;
  }

  private int ownerUid(long pid) {
    try {
      return (Integer)
          Files.getAttribute(
              procRoot.resolve(Long.toString(pid)), "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException exited) {
      return -1;
    }
  }

  private boolean holds(long pid, Path link) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(procRoot.resolve(pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(link)) {
            return true;
          }
        } catch (AccessDeniedException e) {
          return false;
        } catch (IOException closedMeanwhile) {
          // next fd
        }
      }
      return false;
    } catch (IOException | RuntimeException exitedOrDenied) {
      return false;
    }
  }
}
