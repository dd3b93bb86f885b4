package io.sluice.spark.input;

import java.io.ObjectStreamException;
import java.io.Serializable;
import org.apache.kafka.common.config.types.Password;

/**
 * A Kafka {@code PASSWORD} setting ({@code sasl.jaas.config}, {@code ssl.truststore.password}, ...)
 * whose secrets come from {@link KafkaConfigReferences references}: resolved when it is created,
 * and serialized as its references only, to be resolved again in the JVM that deserializes it.
 *
 * <p>This is what keeps secrets out of the checkpoint and lets them rotate. The direct Kafka
 * stream keeps its consumer parameters in the DStream graph: Spark writes them into every
 * checkpoint, a restarted job reads them back from there (not from its command line), and each
 * task carries them to the executor that creates a consumer. With a plain {@link Password} the
 * secret itself would be written to the checkpoint and a restart after a password change would
 * still present the old one. A {@code KafkaSecret} is written as, say,
 * {@code password="${dir:/etc/sluice:kafka-password}"} and reads the file again on the driver
 * that recovers the checkpoint and on each executor that runs a task.
 *
 * <p>Kafka accepts it wherever a {@code PASSWORD} value goes: {@code ConfigDef} keeps a
 * {@code Password} instance as it is, and equality (Kafka caches SASL logins by the
 * {@code sasl.jaas.config} value) is that of the resolved value.
 */
final class KafkaSecret extends Password implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String template;
  private final boolean jaasQuoted;

  /**
   * @param template the value as written, with its references
   * @param jaasQuoted whether substituted text is quoted for JAAS ({@code sasl.jaas.config})
   * @throws IllegalArgumentException naming a reference that cannot be resolved
   */
  KafkaSecret(String template, boolean jaasQuoted) {
    super(KafkaConfigReferences.resolve(template, jaasQuoted));
    this.template = template;
    this.jaasQuoted = jaasQuoted;
  }

  /** The value as written, references unresolved: no secret. */
  String template() {
    return template;
  }

  private Object writeReplace() {
    return new Reference(template, jaasQuoted);
  }

  /** The serialized form: the references, resolved again when read. */
  private static final class Reference implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String template;
    private final boolean jaasQuoted;

    Reference(String template, boolean jaasQuoted) {
      this.template = template;
      this.jaasQuoted = jaasQuoted;
    }

    private Object readResolve() throws ObjectStreamException {
      return new KafkaSecret(template, jaasQuoted);
    }
  }
}
