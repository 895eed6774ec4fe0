/**
 * End-to-end test harness: a real mail stack per test class.
 *
 * <p>{@link io.postwarden.it.harness.MailStack} (a JUnit 5 extension) starts, under {@code
 * /tmp/postwarden-it-*}:
 *
 * <ul>
 *   <li>{@link io.postwarden.it.harness.CapturingSink} — SubEthaSMTP on 127.0.0.1, receives
 *       <em>all</em> mail Postfix delivers (local domains and bounces included) and records
 *       envelope, bytes and parsed {@link io.postwarden.it.harness.Headers};
 *   <li>{@link io.postwarden.it.harness.DovecotSasl} — Dovecot auth-only (protocols = none) on
 *       127.0.0.1;
 *   <li>{@link io.postwarden.it.harness.PostfixInstance} — Debian's Postfix with a private
 *       config/queue/data dir ({@link io.postwarden.it.harness.PostfixConfig}): a port-25-style
 *       smtpd on 127.0.0.1 and [::1] (same port), a submission smtpd requiring SASL, {@code
 *       smtpd_milters}/{@code non_smtpd_milters} = the endpoint the test gives (or none), {@code
 *       milter_default_action = tempfail}, {@code milter_protocol = 6}.
 * </ul>
 *
 * Tests talk to it with {@link io.postwarden.it.harness.SmtpClient} (exact reply per SMTP step) and
 * {@link io.postwarden.it.harness.Sendmail} (sendmail(1), optionally as another Unix user). With
 * {@code remoteHosts()} the stack also builds a {@link io.postwarden.it.harness.RemoteNetwork}: a
 * network namespace joined by a veth pair, whose hosts reach Postfix from real non-local addresses
 * (docs/decisions/0022).
 *
 * <h2>Quirks found while building it (Debian 12, Postfix 3.7.11, Dovecot 2.3.19.1, gVisor sandbox)
 * </h2>
 *
 * <ul>
 *   <li>Postfix re-reads a main.cf (and dict_load_file tables) whose mtime is within the last
 *       second, sleeping 300 ms each time: every command on a freshly written main.cf took ~2 s.
 *       All files we write are backdated by 60 s ({@code Workspace.writeBackdated}); {@code postfix
 *       start} then takes ~0.3 s.
 *   <li>{@code data_directory} must be owned by {@code postfix} before start (master creates
 *       master.lock there as mail_owner; {@code postfix check} does not fix a pre-created
 *       root-owned directory); {@code queue_directory} must exist (else "fatal: chdir(...): No such
 *       file or directory").
 *   <li>{@code postfix stop} always costs ≥ 1.2 s (check, {@code sleep 1}, check). We use {@code
 *       postfix abort} (the same SIGTERM to the master) and poll the processes ourselves.
 *   <li>In this sandbox PID 1 reaps orphaned zombies only every ~2 s and {@code
 *       ProcessHandle.isAlive()} counts zombies as alive; liveness is read from {@code
 *       /proc/PID/stat} instead.
 *   <li>Dovecot takes 1.1 s to exit on SIGTERM and its log process lingers 2 s more: it is
 *       SIGKILLed. Dovecot's {@code auth_failure_delay} (default 2 s) is set to 0 and its auth
 *       penalty (anvil; 2-15 s delays for the next logins from an IP after a failure) is disabled;
 *       a refused AUTH still takes ~0.5 s (Dovecot flushes queued failures on a 500 ms timer).
 *   <li>Dovecot checks a passwd-file for changes at most once per second (mtime seconds + size), so
 *       {@code DovecotSasl.setUser} waits for the next second.
 *   <li>{@code postfix reload} is asynchronous: the harness waits for master's "reload" log line
 *       and for every process of the old generation to exit, so the next connection surely sees the
 *       new config.
 *   <li>With the milter endpoint closed: port 25 gets {@code 451 4.7.1} at MAIL (EHLO still 250),
 *       the submission port gets {@code 454 4.3.0} at AUTH; sendmail exits 0, cleanup logs
 *       "milter-reject: CONNECT from localhost[127.0.0.1]: 4.7.1" and the file stays in {@code
 *       maildrop}; after removing the milter (postconf + reload) {@code postqueue -f} delivers it.
 *   <li>Non-root {@code sendmail -C DIR} needs DIR in {@code alternate_config_directories} of
 *       {@code /etc/postfix/main.cf}; opt-in, see {@link
 *       io.postwarden.it.harness.AlternateConfigDirs}.
 *   <li>Mail from 127.0.0.1 is in Postfix's local rewrite context: cleanup adds missing
 *       From:/Date:/Message-Id: after the client's headers. Client names: {@code
 *       smtpd_peername_lookup = no}, so no DNS query ever leaves loopback and every client is
 *       "unknown" (Received: "from HELO (unknown [127.0.0.1])").
 *   <li>The sink's greeting name must differ from Postfix's myhostname ("loops back to myself").
 *   <li>This machine's own eth0 is in 192.0.2.0/24, so remote networks use 198.51.100.0/24 and
 *       203.0.113.0/24; IPv6 addresses need {@code nodad}, or Postfix cannot bind them for the
 *       first second or two.
 * </ul>
 */
package io.postwarden.it.harness;
