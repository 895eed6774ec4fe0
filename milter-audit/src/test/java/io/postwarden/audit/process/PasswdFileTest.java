package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdFileTest {

  @TempDir Path dir;

  @Test
  void namesUidsByTheirFirstEntryAndIgnoresDamagedLines() throws IOException {
    Path file = dir.resolve("passwd");
    Files.writeString(
        file,
        """
                root:x:0:0:root:/root:/bin/bash
                www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
                toor:x:0:0:alias:/root:/bin/sh
                broken line
                +nisusers::::::
                bad:x:notanumber:1::/:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                big:x:4294967294:1::/:/bin/sh""");
    PasswdFile passwd = new PasswdFile(file);

    assertEquals("root", passwd.userName(0));
    assertEquals("www-data", passwd.userName(33));
    assertEquals("nobody", passwd.userName(65534));
    assertEquals("big", passwd.userName((int) 4294967294L));
    assertNull(passwd.userName(1000));
  }

  @Test
  void hasNoNamesWithoutAFile() {
    assertNull(new PasswdFile(dir.resolve("missing")).userName(0));
  }

  @Test
  void rereadsTheFileWhenItIsEditedInPlaceOrReplaced() throws IOException {
    Path file = dir.resolve("passwd");
    Files.writeString(file, "alice:x:1000:1000::/home/alice:/bin/sh\n");
    PasswdFile passwd = new PasswdFile(file);
    assertEquals("alice", passwd.userName(1000));

    Files.writeString(file, "carol:x:1000:1000::/home/alice:/bin/sh\n"); // same size
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));
    assertEquals("carol", passwd.userName(1000));

    Path replacement = dir.resolve("passwd+");
    Files.writeString(replacement, "bob:x:1000:1000::/home/bob:/bin/sh\n");
    Files.move(
        replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertEquals("bob", passwd.userName(1000));

    Files.delete(file);
    assertNull(passwd.userName(1000));
  }
}
