package io.sluice.spark.job;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;

/**
 * Spark's {@link KryoSerializer} with one {@link SerializerInstance} per thread, reused, instead of
 * a new one (and a new Kryo) for every block, shuffle stream, task result and broadcast.
 *
 * <p>Why: Spark 2.4.7 has no Kryo pool ({@code spark.kryo.pool} came with Spark 3.0). Every
 * {@code newInstance()} builds a Kryo, and {@code KryoSerializer.newKryo} registers Spark's and
 * Chill's classes and tries to load 21 optional MLlib and SQL classes, each a failed lookup
 * through every jar of the classpath when they are absent (as in Sluice's runtime): measured
 * 2 to 8 ms per Kryo here, and a streaming batch creates dozens, so it was the largest single cost
 * of the job (a third of the driver's CPU samples in {@code local[2]}).
 *
 * <p>Why it is safe: a {@code KryoSerializerInstance} serves nested streams on its thread by
 * creating another Kryo when its cached one is borrowed, so one instance per thread behaves like
 * many. A thread-local holds it; a deserialized copy of this serializer (it travels inside shuffle
 * dependencies) starts with an empty one.
 *
 * <p>Where: the class must be on the classpath when Spark creates its environment, before the
 * application jar is fetched on a cluster's executors, so {@link SluiceKryoRegistrator#configure}
 * selects it only for {@code local} masters (the JVM that also runs the driver); cluster executors
 * get Spark's own {@code KryoSerializer}, or this one with the jobs jar on
 * {@code spark.executor.extraClassPath}.
 */
public class ReusingKryoSerializer extends KryoSerializer {

  private static final long serialVersionUID = 1L;

  private transient volatile ThreadLocal<SerializerInstance> instances;

  public ReusingKryoSerializer(SparkConf conf) {
    super(conf);
  }

  /** This thread's instance, created on its first call. */
  @Override
  public SerializerInstance newInstance() {
    ThreadLocal<SerializerInstance> local = instances;
    if (local == null) {
      synchronized (this) {
        if (instances == null) {
          instances = ThreadLocal.withInitial(this::createInstance);
        }
        local = instances;
      }
    }
    return local.get();
  }

  private SerializerInstance createInstance() {
    return super.newInstance();
  }
}
