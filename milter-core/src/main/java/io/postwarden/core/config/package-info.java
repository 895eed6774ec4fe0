/**
 * Typed configuration read from a libconfuse-style file, so that PostSRSd 2's {@code postsrsd.conf}
 * SRS lines can be copied over unchanged.
 *
 * <pre>
 * # comment to end of line, also after a value or inside a list
 * socketmap = unix:/var/spool/postfix/srs     # bare word: runs up to white space or '#'
 * separator = "="                             # quoted string; escapes \" \\ \n \t
 * hash-length = 4
 * always-rewrite = off                        # true/false, yes/no, on/off
 * domains = { "example.com", example.org, }   # list; may span lines; trailing comma allowed
 * </pre>
 *
 * <p>Modules declare their settings as {@link io.postwarden.core.config.ConfigKey}s, gather them in
 * a {@link io.postwarden.core.config.ConfigSchema}, and read them from a {@link
 * io.postwarden.core.config.Config}. Every problem in a file is reported at once by {@link
 * io.postwarden.core.config.ConfigException}, so an administrator fixes a file in one round rather
 * than one error per restart.
 */
package io.postwarden.core.config;
