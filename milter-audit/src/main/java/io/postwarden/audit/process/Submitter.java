package io.postwarden.audit.process;

/**
 * Who handed a message to sendmail(1): the owner of the maildrop file Postfix's pickup is reading.
 * postdrop creates that file as the submitting user, so unlike the envelope sender (sendmail -f) it
 * cannot be chosen.
 *
 * @param user the uid's name in the passwd file, or null if it has none
 */
public record Submitter(int uid, String user, String maildropFile) {}
