# shellcheck shell=bash
# Role hdfs: an HDFS NameNode and DataNode (Hadoop 3.3.6) holding the Spark job's checkpoints and
# results (/sluice/checkpoints, /sluice/results).
# Sourced by provision.sh (lab.env and lib/common.sh loaded, SLUICE set).

hdfs_conf=/etc/sluice/hadoop
state_dir /var/lib/sluice /var/lib/sluice/hdfs

put_file "$hdfs_conf/core-site.xml" 644 <<XML || true
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the lab's provisioning (vagrant/roles/hdfs.sh). -->
<configuration>
  <property><name>fs.defaultFS</name><value>hdfs://$SLUICE_LAB_HDFS_IP:$SLUICE_LAB_HDFS_PORT</value></property>
  <property><name>hadoop.tmp.dir</name><value>$LAB_ROOT/var/lib/sluice/hdfs</value></property>
</configuration>
XML

put_file "$hdfs_conf/hdfs-site.xml" 644 <<XML || true
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the lab's provisioning (vagrant/roles/hdfs.sh). -->
<configuration>
  <property><name>dfs.namenode.name.dir</name><value>file://$LAB_ROOT/var/lib/sluice/hdfs/name</value></property>
  <property><name>dfs.datanode.data.dir</name><value>file://$LAB_ROOT/var/lib/sluice/hdfs/data</value></property>
  <property><name>dfs.replication</name><value>1</value></property>
  <property><name>dfs.namenode.safemode.extension</name><value>0</value></property>
  <property><name>dfs.namenode.http-address</name><value>$SLUICE_LAB_HDFS_IP:9870</value></property>
  <!-- A lab: the lab network has no DNS for reverse lookups, and every machine writes as its own user. -->
  <property><name>dfs.namenode.datanode.registration.ip-hostname-check</name><value>false</value></property>
  <property><name>dfs.permissions.enabled</name><value>false</value></property>
</configuration>
XML

put_file "$hdfs_conf/log4j.properties" 644 <"$SLUICE_HOME/conf/hadoop/log4j.properties" || true

if [ ! -f "$LAB_ROOT/var/lib/sluice/hdfs/name/current/VERSION" ]; then
  as_service_user "$SLUICE" hdfs --conf "$LAB_ROOT$hdfs_conf" namenode -format -nonInteractive -clusterId sluice-lab \
    >"$LAB_ROOT/var/lib/sluice/hdfs/format.log" 2>&1 \
    || die "formatting the NameNode failed; see /var/lib/sluice/hdfs/format.log"
  changed "formatted the NameNode"
fi

unit sluice-hdfs-namenode.service <<UNIT
[Unit]
Description=Sluice lab: HDFS NameNode
After=network-online.target
Wants=network-online.target

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/hdfs
Environment=HADOOP_HEAPSIZE_MAX=256m
ExecStart=$SLUICE hdfs --conf $LAB_ROOT$hdfs_conf namenode
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT

unit sluice-hdfs-datanode.service <<UNIT
[Unit]
Description=Sluice lab: HDFS DataNode
After=sluice-hdfs-namenode.service

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/hdfs
Environment=HADOOP_HEAPSIZE_MAX=256m
ExecStart=$SLUICE hdfs --conf $LAB_ROOT$hdfs_conf datanode
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT

wait_port "$SLUICE_LAB_HDFS_IP" "$SLUICE_LAB_HDFS_PORT" 120 sluice-hdfs-namenode.service
wait_port "$SLUICE_LAB_HDFS_IP" 9866 120 sluice-hdfs-datanode.service
# Directories of the Spark job (mkdir -p: nothing changes when they exist). Retried while the
# NameNode is still in safe mode.
retry 120 "creating /sluice/checkpoints and /sluice/results in HDFS" \
  "$SLUICE" hdfs --conf "$LAB_ROOT$hdfs_conf" dfs -mkdir -p /sluice/checkpoints /sluice/results
