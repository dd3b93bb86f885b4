package io.sluice.spark.input;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authentication failures in syslog messages: which lines count as one, and the source address
 * they name. Stateless.
 *
 * <p>A line is one authentication failure when its program ({@link io.sluice.contract.EventHeaders#PROGRAM},
 * RFC 3164 TAG without {@code [pid]}) is exactly {@value #SSHD} and its message
 * ({@link io.sluice.contract.EventHeaders#MESSAGE}) contains, anywhere, one of the two phrases
 * OpenSSH's {@code sshd} logs for a refused login (OpenSSH {@code auth.c}, {@code auth_log} and
 * {@code getpwnamallow}):
 * <pre>
 * Failed &lt;method&gt; for [invalid user ]&lt;user&gt; from &lt;address&gt;     e.g. Failed password for root from 1.2.3.4 port 22 ssh2
 * Invalid user [&lt;user&gt;] from &lt;address&gt;                        e.g. Invalid user admin from 1.2.3.4 port 4444
 * </pre>
 * {@code <method>} and {@code <user>} are single words (the user may be empty: {@code Invalid user  from
 * 1.2.3.4}); {@code <address>} is the word after {@code from}, as sshd wrote it (an IP address, or a
 * host name when sshd runs with {@code UseDNS yes}). A line counts once even when it holds several
 * phrases: rsyslog's {@code message repeated N times: [ Failed password for ... ]} is one line, so
 * one failure (its text is the message of one line, not N). sshd's attempts that do not say
 * {@code Failed} or {@code Invalid user} ({@code authentication failure} from PAM,
 * {@code input_userauth_request: invalid user}, {@code Connection closed by ... [preauth]}) are not
 * counted, so one refused password is counted once, not once per module that logged it.
 */
public final class AuthFailures {

  /** The only program whose lines are read for failures. */
  public static final String SSHD = "sshd";

  private static final Pattern FAILED = Pattern.compile("Failed \\S+ for (?:invalid user )?\\S* from (\\S+)");
  private static final Pattern INVALID_USER = Pattern.compile("Invalid user (?:\\S* )?from (\\S+)");

  private AuthFailures() {}

  /**
   * The source address of the authentication failure this line is, or null when it is none.
   *
   * @param program the line's program, or null
   * @param message the line's message, or null
   */
  public static String source(String program, String message) {
    if (message == null || !SSHD.equals(program)) {
      return null;
    }
    Matcher m = FAILED.matcher(message);
    if (m.find()) {
      return m.group(1);
    }
    m = INVALID_USER.matcher(message);
    return m.find() ? m.group(1) : null;
  }
}
