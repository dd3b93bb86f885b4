# shellcheck shell=bash
# Role spark: a Spark 2.4.7 standalone master and worker, and the AnalyticsJob submitted to them in
# client mode: its receiver pulls from the SparkSinks on the flume machine, its checkpoints go to
# HDFS on the hdfs machine, its summary.json to /var/lib/sluice/analytics, copied to HDFS
# (/sluice/results) every minute by sluice-publish-results.timer.
# Sourced by provision.sh (lab.env and lib/common.sh loaded, SLUICE set).

hdfs_conf=/etc/sluice/hadoop
master="spark://$SLUICE_LAB_SPARK_IP:$SLUICE_LAB_SPARK_MASTER_PORT"
hdfs_uri="hdfs://$SLUICE_LAB_HDFS_IP:$SLUICE_LAB_HDFS_PORT"
state_dir /var/lib/sluice /var/lib/sluice/spark-work /var/lib/sluice/analytics

# The HDFS client configuration of this machine (sluice hdfs dfs).
put_file "$hdfs_conf/core-site.xml" 644 <<XML || true
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the lab's provisioning (vagrant/roles/spark.sh): HDFS client of the spark machine. -->
<configuration>
  <property><name>fs.defaultFS</name><value>$hdfs_uri</value></property>
</configuration>
XML
put_file "$hdfs_conf/hdfs-site.xml" 644 <<XML || true
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the lab's provisioning (vagrant/roles/spark.sh): one DataNode, one copy of each block. -->
<configuration>
  <property><name>dfs.replication</name><value>1</value></property>
</configuration>
XML
put_file "$hdfs_conf/log4j.properties" 644 <"$SLUICE_HOME/conf/hadoop/log4j.properties" || true

unit sluice-spark-master.service <<UNIT
[Unit]
Description=Sluice lab: Spark standalone master
After=network-online.target
Wants=network-online.target

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/spark-work
Environment=SPARK_LOCAL_IP=$SLUICE_LAB_SPARK_IP SPARK_DAEMON_MEMORY=256m
ExecStart=$SLUICE spark master --host $SLUICE_LAB_SPARK_IP --port $SLUICE_LAB_SPARK_MASTER_PORT --webui-port 8080
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT

unit sluice-spark-worker.service <<UNIT
[Unit]
Description=Sluice lab: Spark standalone worker
After=sluice-spark-master.service

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/spark-work
Environment=SPARK_LOCAL_IP=$SLUICE_LAB_SPARK_IP SPARK_DAEMON_MEMORY=256m
ExecStart=$SLUICE spark worker --host $SLUICE_LAB_SPARK_IP --cores 3 --memory 1g --work-dir $LAB_ROOT/var/lib/sluice/spark-work $master
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT

wait_port "$SLUICE_LAB_SPARK_IP" "$SLUICE_LAB_SPARK_MASTER_PORT" 120 sluice-spark-master.service

# Three cores (Spark's slots, not the machine's): each polling receiver pins one (one for all
# sinks, or one per sink), the batches run on what is left. 2 s batches: half the per-batch
# overhead (a checkpoint to HDFS each) on the lab's small machines.
unit sluice-analytics.service <<UNIT
[Unit]
Description=Sluice lab: Spark AnalyticsJob (client mode on the standalone master)
After=sluice-spark-worker.service

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/analytics
Environment=SPARK_LOCAL_IP=$SLUICE_LAB_SPARK_IP
ExecStart=$SLUICE submit --master $master --deploy-mode client --name sluice-analytics --driver-memory 512m --executor-memory 512m --total-executor-cores 3 --conf spark.driver.host=$SLUICE_LAB_SPARK_IP --conf spark.ui.enabled=false --conf spark.hadoop.dfs.replication=1 --class io.sluice.spark.job.AnalyticsJob $SLUICE_HOME/jobs/sluice-spark-jobs.jar --sinks $SLUICE_LAB_FLUME_IP:$SLUICE_LAB_LOGS_SINK_PORT,$SLUICE_LAB_FLUME_IP:$SLUICE_LAB_TWEETS_SINK_PORT --out $LAB_ROOT/var/lib/sluice/analytics --checkpoint $hdfs_uri/sluice/checkpoints/analytics --batch-seconds 2
SuccessExitStatus=143
Restart=on-failure
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT

unit sluice-publish-results.service --no-start <<UNIT
[Unit]
Description=Sluice lab: copy the AnalyticsJob's summary.json to HDFS (/sluice/results)
ConditionPathExists=$LAB_ROOT/var/lib/sluice/analytics/summary.json

[Service]
Type=oneshot
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/analytics
ExecStart=$SLUICE hdfs --conf $LAB_ROOT$hdfs_conf dfs -put -f $LAB_ROOT/var/lib/sluice/analytics/summary.json /sluice/results/summary.json
UNIT

unit sluice-publish-results.timer <<UNIT
[Unit]
Description=Sluice lab: copy the AnalyticsJob's summary.json to HDFS every minute

[Timer]
OnActiveSec=1min
OnUnitActiveSec=1min

[Install]
WantedBy=timers.target
UNIT
