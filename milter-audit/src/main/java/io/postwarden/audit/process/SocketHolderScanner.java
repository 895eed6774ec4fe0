package io.postwarden.audit.process;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Finds a process that holds a socket, by reading the /proc/PID/fd links, which name a socket "socket:[INODE]".
 *
 * <p>The kernel keeps no index from a socket to its processes, so every process may have to be read. Those running
 * as the socket's owner are read first, since the holder nearly always runs as the user that created the socket, and
 * the scan stops at the first holder. The owner of /proc/PID is the process's effective uid (even for an undumpable
 * process), so one stat tells a process's user without reading its status file.
 *
 * <p>Processes that held a client socket recently are read before all others: a web application sends through the
 * same few workers again and again, and a hit there skips the scan. The list is only an order of reading; every
 * answer is still what the fd links say now.
 *
 * <p>Reading another user's fd directory needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH. Directories that
 * could not be read are counted, so that a miss can be told apart from a lack of permission. Processes that exit
 * during the scan are skipped.
 */
final class SocketHolderScanner {

    /** The first process found holding the socket, and how many processes' fds could not be read before that. */
    record Outcome(OptionalLong holder, int unreadableProcesses) {}

    private static final int RECENT_HOLDERS = 64;

    private final Path procRoot;
    private final Map<Long, Boolean> recentHolders = new LinkedHashMap<>(RECENT_HOLDERS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > RECENT_HOLDERS;
        }
    };

    SocketHolderScanner(Path procRoot) {
        this.procRoot = procRoot;
    }

    Outcome find(long inode, int ownerUid) throws IOException {
        Scan scan = new Scan(procRoot.getFileSystem().getPath("socket:[" + inode + "]"));
        List<Long> recent = recentHolders();
        for (long pid : recent) {
            Path process = procRoot.resolve(Long.toString(pid));
            if (ownerUid(process) == ownerUid && scan.holds(process)) {
                return remember(scan.found(process));
            }
        }
        List<Path> otherUsers = new ArrayList<>();
        for (Path process : processesNewestFirst()) {
            if (recent.contains(pidOf(process.getFileName().toString()))) {
                continue;
            }
            if (ownerUid(process) != ownerUid) {
                otherUsers.add(process);
            } else if (scan.holds(process)) {
                return remember(scan.found(process));
            }
        }
        for (Path process : otherUsers) {
            if (scan.holds(process)) {
                return remember(scan.found(process));
            }
        }
        return new Outcome(OptionalLong.empty(), scan.unreadable);
    }

    private synchronized List<Long> recentHolders() {
        List<Long> pids = new ArrayList<>(recentHolders.keySet());
        java.util.Collections.reverse(pids); // most recently found first
        return pids;
    }

    private synchronized Outcome remember(Outcome outcome) {
        recentHolders.put(outcome.holder().getAsLong(), Boolean.TRUE);
        return outcome;
    }

    /**
     * The /proc/PID directories, highest pid first. Until pids wrap around that is newest first: a client that
     * has just connected is more often a young process (a script, a respawned worker) than an old daemon, and old
     * daemons (databases, servers) tend to hold the most fds, which are the costly part of the scan.
     */
    private List<Path> processesNewestFirst() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path entry : entries) {
                long pid = pidOf(entry.getFileName().toString());
                if (pid >= 0) {
                    pids.add(pid);
                }
            }
        }
        pids.sort(Comparator.reverseOrder());
        List<Path> processes = new ArrayList<>(pids.size());
        for (long pid : pids) {
            processes.add(procRoot.resolve(Long.toString(pid)));
        }
        return processes;
    }

    /** The pid a /proc entry stands for, or -1 for entries that are not processes ("net", "self", ...). */
    private static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** The process's effective uid, from its directory's owner; -1 if the process has exited. */
    private static int ownerUid(Path process) {
        try {
            return (Integer) Files.getAttribute(process, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException exited) {
            return -1;
        }
    }

    /** One search for one socket link. */
    private static final class Scan {
        private final Path socketLink;
        private int unreadable;

        Scan(Path socketLink) {
            this.socketLink = socketLink;
        }

        boolean holds(Path process) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                for (Path fd : fds) {
                    if (linksToSocket(fd)) {
                        return true;
                    }
                }
                return false;
            } catch (AccessDeniedException e) { // listing needs CAP_DAC_READ_SEARCH, the links CAP_SYS_PTRACE
                unreadable++;
                return false;
            } catch (IOException | DirectoryIteratorException exited) {
                return false;
            }
        }

        private boolean linksToSocket(Path fd) throws AccessDeniedException {
            try {
                return Files.readSymbolicLink(fd).equals(socketLink);
            } catch (AccessDeniedException e) {
                throw e;
            } catch (IOException closedMeanwhile) {
                return false;
            }
        }

        Outcome found(Path process) {
            return new Outcome(OptionalLong.of(Long.parseLong(process.getFileName().toString())), unreadable);
        }
    }
}
