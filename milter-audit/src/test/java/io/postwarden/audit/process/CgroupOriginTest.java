package io.postwarden.audit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupOriginTest {

  private static final String ID =
      "4f3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/system.slice/php8.2-fpm.service                                  | php8.2-fpm.service",
        "/user.slice/user-1000.slice/session-3.scope                       | session-3.scope",
        "/user.slice/user-1000.slice/user@1000.service/app.slice/mail.service | mail.service",
        "/system.slice/apache2.service/worker                              | apache2.service",
        "/system.slice/docker-" + ID + ".scope                             | docker:" + ID,
        "/docker/" + ID + "                                                | docker:" + ID,
        "/machine.slice/libpod-" + ID + ".scope/container                  | podman:" + ID,
        "/machine.slice/libpod-conmon-"
            + ID
            + ".scope                     | libpod-conmon-"
            + ID
            + ".scope",
        "/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + ID + ".scope | containerd:" + ID,
        "/kubepods.slice/kubepods-pod1.slice/crio-" + ID + ".scope         | crio:" + ID,
        "/lxc.payload.web1/system.slice/php8.2-fpm.service                 | lxc:web1",
        "/lxc/web1                                                         | lxc:web1",
        "/lxc.payload/web1                                                 | lxc:web1",
        "/lxc.monitor.web1                                                 | /lxc.monitor.web1",
        "/batch/job42                                                      | /batch/job42",
        "/                                                                 | /",
      })
  void namesTheOriginFromACgroupV2Path(String path, String origin) {
    assertEquals(origin, CgroupOrigin.describe("0::" + path + "\n"));
  }

  @Test
  void usesSystemdsHierarchyOnACgroupV1System() {
    assertEquals(
        "postfix@-.service",
        CgroupOrigin.describe(
            """
                12:pids:/system.slice/postfix@-.service
                4:memory:/system.slice/postfix@-.service
                1:name=systemd:/system.slice/postfix@-.service
                """));
  }

  @Test
  void prefersAPlacedV2LineToV1LinesOnAHybridSystem() {
    assertEquals(
        "session-3.scope",
        CgroupOrigin.describe(
            """
                4:memory:/user.slice
                1:name=systemd:/user.slice/user-1000.slice/session-3.scope
                0::/user.slice/user-1000.slice/session-3.scope
                """));
  }

  @Test
  void fallsBackToAV1ControllerPathWhenTheOthersAreTheRoot() {
    assertEquals(
        "/process_api/f8a15ee1",
        CgroupOrigin.describe(
            """
                9:name=systemd:/
                4:memory:/process_api/f8a15ee1
                1:cpu:/
                0::/
                """));
  }

  @Test
  void keepsColonsInsideAPath() {
    assertEquals("/odd:name", CgroupOrigin.describe("0::/odd:name\n"));
  }
}
