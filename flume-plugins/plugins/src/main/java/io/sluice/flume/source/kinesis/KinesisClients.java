package io.sluice.flume.source.kinesis;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * Builds the synchronous Kinesis clients of {@link KinesisSource} and {@link KinesisLinePublisher}
 * (AWS SDK for Java v2): HTTP through the JDK's {@code HttpURLConnection}
 * ({@code url-connection-client}, no Netty or Apache HTTP client on the agent), credentials from
 * the SDK's default chain ({@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties,
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, web identity, the
 * {@code ~/.aws/credentials} profile, container and EC2 instance roles), never from the agent's
 * configuration.
 */
public final class KinesisClients {

  /** The AWS SDK v2 system property that chooses CBOR or JSON for Kinesis. */
  static final String CBOR_PROPERTY = "aws.cborEnabled";

  private KinesisClients() {
  }

  /**
   * A client.
   *
   * @param region the region name; empty for the SDK's default region chain
   * @param endpoint an endpoint override (a local server); null for the region's endpoint
   * @param apiTimeoutMs time allowed for each call, retries included, in milliseconds
   * @param cbor true for CBOR ({@code application/x-amz-cbor-1.1}, the SDK's default for
   *     Kinesis), false for JSON ({@code application/x-amz-json-1.1}, record data in base64)
   * @return a client; close it when done
   */
  public static KinesisClient create(String region, URI endpoint, long apiTimeoutMs,
      boolean cbor) {
    KinesisClientBuilder builder = KinesisClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofMillis(Math.min(apiTimeoutMs, 10_000)))
            .socketTimeout(Duration.ofMillis(apiTimeoutMs)))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofMillis(apiTimeoutMs)).build());
    if (!region.isEmpty()) {
      builder.region(Region.of(region));
    }
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (cbor) {
      return builder.build();
    }
    return buildWithoutCbor(builder);
  }

  /**
   * The SDK reads the system property {@value #CBOR_PROPERTY} once, when a client is built (its
   * protocol factory); there is no per-client setting. It is set to false for this one build and
   * restored, so other clients of the JVM keep their own choice.
   */
  private static synchronized KinesisClient buildWithoutCbor(KinesisClientBuilder builder) {
    String previous = System.getProperty(CBOR_PROPERTY);
    System.setProperty(CBOR_PROPERTY, "false");
    try {
      return builder.build();
    } finally {
      if (previous == null) {
        System.clearProperty(CBOR_PROPERTY);
      } else {
        System.setProperty(CBOR_PROPERTY, previous);
      }
    }
  }
}
