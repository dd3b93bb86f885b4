/**
 * {@link io.sluice.flume.interceptor.post.TweetNormalizerInterceptor}: Twitter v1.1, X API v2 and
 * Bluesky Jetstream posts into common headers and, optionally, an Avro record body
 * ({@code Post.avsc} beside this package), with {@link io.sluice.flume.interceptor.post.PostParser}
 * and {@link io.sluice.flume.interceptor.post.NormalizedPost}. Keys:
 * {@link io.sluice.flume.interceptor.post.TweetNormalizerConfig}; reject codes:
 * {@link io.sluice.contract.RejectReason#POST}.
 */
package io.sluice.flume.interceptor.post;
