package io.sluice.spark.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The authentication-failure rule on messages of the real auth log (samples/syslog), and on the same with another program. */
class AuthFailuresTest {

  @Test
  void failedLoginsNameTheirSource() {
    assertThat(AuthFailures.source("sshd", "Failed password for root from 218.60.136.106 port 56338 ssh2"))
        .isEqualTo("218.60.136.106");
    assertThat(AuthFailures.source("sshd", "Failed password for invalid user admin from 122.189.198.238 port 43749 ssh2"))
        .isEqualTo("122.189.198.238");
    assertThat(AuthFailures.source("sshd", "Failed publickey for elastic_user_2 from 85.245.107.41 port 50690 ssh2: "
        + "RSA SHA256:aC2UQe4piBfaFwr2ne0PItnl9AcHqZOYrWjDmqpOzvE")).isEqualTo("85.245.107.41");
    assertThat(AuthFailures.source("sshd", "Invalid user ftpuser from 112.135.124.229")).isEqualTo("112.135.124.229");
    assertThat(AuthFailures.source("sshd", "Invalid user  from 34.204.227.175")).as("empty user name")
        .isEqualTo("34.204.227.175");
  }

  @Test
  void aRepeatedMessageLineCountsOnce() {
    assertThat(AuthFailures.source("sshd",
        "message repeated 5 times: [ Failed password for root from 218.60.136.106 port 56338 ssh2]"))
        .isEqualTo("218.60.136.106");
  }

  @Test
  void otherLinesAreNoFailure() {
    assertThat(AuthFailures.source("sshd", "Accepted password for elastic_user_7 from 127.0.0.1 port 52942 ssh2")).isNull();
    assertThat(AuthFailures.source("sshd", "input_userauth_request: invalid user support [preauth]")).isNull();
    assertThat(AuthFailures.source("sshd", "Disconnecting: Too many authentication failures [preauth]")).isNull();
    assertThat(AuthFailures.source("sshd", "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 "
        + "tty=ssh ruser= rhost=127.0.0.1  user=elastic_user_7")).isNull();
    assertThat(AuthFailures.source("sshd", "Connection closed by 85.245.107.41 port 58980 [preauth]")).isNull();
    assertThat(AuthFailures.source("sudo", "Failed password for root from 218.60.136.106 port 56338 ssh2")).as("not sshd").isNull();
    assertThat(AuthFailures.source("SSHD", "Invalid user a from 1.2.3.4")).as("program compared exactly").isNull();
    assertThat(AuthFailures.source(null, "Invalid user a from 1.2.3.4")).isNull();
    assertThat(AuthFailures.source("sshd", null)).isNull();
  }
}
