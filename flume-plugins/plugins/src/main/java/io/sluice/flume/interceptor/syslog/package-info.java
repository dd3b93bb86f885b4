/**
 * {@link io.sluice.flume.interceptor.syslog.SyslogInterceptor}: RFC 3164 and RFC 5424 syslog
 * messages (files such as {@code /var/log/auth.log}, and Flume's {@code syslogtcp} /
 * {@code syslogudp} sources with {@code keepFields = all}) into headers (body untouched), with its
 * single-pass parser. Keys:
 * {@link io.sluice.flume.interceptor.syslog.SyslogInterceptorConfig}; reject codes:
 * {@link io.sluice.contract.RejectReason#SYSLOG}.
 */
package io.sluice.flume.interceptor.syslog;
