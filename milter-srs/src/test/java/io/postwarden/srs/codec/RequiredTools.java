package io.postwarden.srs.codec;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fails, never skips, when a reference implementation is missing: an interop test that quietly
 * skips in CI proves nothing. CI installs them in .ci/run.
 */
final class RequiredTools {

  private static final String INSTALL =
      " (Debian/Ubuntu: apt-get install libmail-srs-perl postsrsd faketime;"
          + " CI installs them in .ci/run)";

  private RequiredTools() {}

  static void check() throws InterruptedException {
    if (!Files.isExecutable(Path.of(PostSrsdDaemon.EXECUTABLE))) {
      fail("PostSRSd is not installed at " + PostSrsdDaemon.EXECUTABLE + INSTALL);
    }
    if (FrozenClockProcess.LIBRARY == null) {
      fail("libfaketime is not installed in /usr/lib/*/faketime/" + INSTALL);
    }
    require(List.of("perl", "-MMail::SRS", "-e", "1"), "Perl or its Mail::SRS module is missing");
  }

  private static void require(List<String> command, String problem) throws InterruptedException {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
        return;
      }
      process.destroyForcibly();
      fail(problem + ": '" + String.join(" ", command) + "' failed" + INSTALL);
    } catch (IOException e) {
      fail(
          problem
              + ": cannot run '"
              + String.join(" ", command)
              + "': "
              + e.getMessage()
              + INSTALL);
    }
  }
}
