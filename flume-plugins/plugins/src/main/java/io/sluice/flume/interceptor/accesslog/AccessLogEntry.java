package io.sluice.flume.interceptor.accesslog;

/**
 * The fields of one parsed access-log line that {@link AccessLogInterceptor} turns into headers.
 * Strings are as written in the log (escape sequences such as {@code \"} are not decoded).
 *
 * @param vhost the virtual host ({@code %v} or {@code %v:%p}) when the line starts with one, or
 *     null
 * @param clientIp the remote host ({@code %h}): an IPv4/IPv6 address, or a name with
 *     HostnameLookups; the first entry of the X-Forwarded-For list when one is logged
 * @param forwardedFor the X-Forwarded-For list (logged before {@code %h} or in its place), as
 *     written without its quotes; null when none is logged or it is {@code -} or empty
 * @param timestampMs the request time ({@code %t}) in epoch milliseconds
 * @param method the request method, or {@code -} when the request field is not a request line
 * @param path the request target including any query string, or {@code -}
 * @param protocol the protocol, e.g. {@code HTTP/1.1}; empty for an HTTP/0.9 request line;
 *     {@code -} when the request field is not a request line
 * @param status the final status ({@code %>s}), 100..599
 * @param bytes the response size ({@code %b} or {@code %O}); 0 when logged as {@code -}
 * @param referrer the Referer header as logged (combined format), or null in common format
 * @param userAgent the User-Agent header as logged (combined format), or null in common format
 */
record AccessLogEntry(
    String vhost,
    String clientIp,
    String forwardedFor,
    long timestampMs,
    String method,
    String path,
    String protocol,
    int status,
    long bytes,
    String referrer,
    String userAgent) {
}
