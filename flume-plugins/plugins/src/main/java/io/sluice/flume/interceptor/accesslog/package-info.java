/**
 * {@link io.sluice.flume.interceptor.accesslog.AccessLogInterceptor}: Apache common, combined,
 * vhost_combined and nginx combined access-log lines, with their virtual-host and
 * X-Forwarded-For variants, into headers (body untouched), with its
 * single-pass {@link io.sluice.flume.interceptor.accesslog.AccessLogParser}. Keys:
 * {@link io.sluice.flume.interceptor.accesslog.AccessLogInterceptorConfig}; reject codes:
 * {@link io.sluice.contract.RejectReason#ACCESS_LOG}.
 */
package io.sluice.flume.interceptor.accesslog;
