package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The working directory of real processes started in directories this test makes, names a hacked
 * site could choose included.
 */
class WorkingDirectoryTest {

  @TempDir Path dir;

  private final ProcessFactsReader reader =
      new ProcessFactsReader(Path.of("/proc"), new PasswdFile(Path.of("/etc/passwd")));

  @Test
  void readsTheDirectoryTheProcessWorksIn() throws IOException {
    Path site = Files.createDirectories(dir.resolve("home/www-shop/public_html/wp-admin"));

    PeerProcess process = readSleeperIn(site);

    assertEquals(site.toRealPath().toString(), process.workingDirectory());
    assertFalse(process.workingDirectoryTruncated());
  }

  @Test
  void keepsControlCharactersForTheRecordToEscape() throws IOException {
    Path site = Files.createDirectories(dir.resolve("evil\n\u001b[2J\u202e"));

    assertEquals(site.toRealPath().toString(), readSleeperIn(site).workingDirectory());
  }

  @Test
  void cutsADeepDirectoryAtTheLimitAndSaysSo() throws IOException {
    Path deep = dir.toRealPath();
    while (deep.toString().length() <= ProcessFactsReader.WORKING_DIRECTORY_LIMIT + 300) {
      deep = deep.resolve("d".repeat(250));
    }
    Files.createDirectories(deep);

    PeerProcess process = readSleeperIn(deep);

    assertEquals(
        deep.toString().substring(0, ProcessFactsReader.WORKING_DIRECTORY_LIMIT),
        process.workingDirectory());
    assertTrue(process.workingDirectoryTruncated());
  }

  @Test
  void aDirectoryRemovedMeanwhileIsMarkedByTheKernel() throws IOException {
    Path site = Files.createDirectories(dir.resolve("gone")).toRealPath();
    Process sleeper = startSleeperIn(site);
    try {
      Files.delete(site);

      assertEquals(site + " (deleted)", reader.read(sleeper.pid()).workingDirectory());
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void aProcessWithoutAReadableWorkingDirectoryIsStillDescribed(@TempDir Path fakeProc)
      throws IOException {
    FakeProcTree proc = new FakeProcTree(fakeProc);
    proc.process(812, 33).exe("/usr/sbin/php-fpm8.2"); // no cwd link, as when it cannot be read

    PeerProcess process =
        new ProcessFactsReader(fakeProc, new PasswdFile(fakeProc.resolve("passwd"))).read(812);

    assertEquals("/usr/sbin/php-fpm8.2", process.executable());
    assertNull(process.workingDirectory());
  }

  private PeerProcess readSleeperIn(Path directory) throws IOException {
    Process sleeper = startSleeperIn(directory);
    try {
      return reader.read(sleeper.pid());
    } finally {
      sleeper.destroyForcibly();
    }
  }

  private static Process startSleeperIn(Path directory) throws IOException {
    return new ProcessBuilder(List.of("sleep", "120"))
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
