# shellcheck shell=bash
# Role flume: the logs and tweets Flume agents (conf/agents/*-agent.properties of the tarball),
# putting into the Kafka channels on the kafka machine and serving Spark's pull on this machine's
# lab address (SparkSink). Each serves its counters to Prometheus on its SLUICE_LAB_*_METRICS_PORT.
# Sourced by provision.sh (lab.env and lib/common.sh loaded, SLUICE set).

flume_conf=/etc/sluice/flume
state_dir /var/lib/sluice /var/lib/sluice/rejects /var/lib/sluice/rejects/logs /var/lib/sluice/rejects/tweets

put_file "$flume_conf/flume-env.sh" 644 <<ENV || true
# flume-env.sh of the lab's agents (written by vagrant/roles/flume.sh), sourced by bin/sluice agent.
# SLUICE_AGENT_NAME is the agent's -n value.
JAVA_OPTS="-Xmx384m"
SLUICE_KAFKA_BOOTSTRAP=$SLUICE_LAB_KAFKA_IP:$SLUICE_LAB_KAFKA_PORT
SLUICE_SINK_HOST=$SLUICE_LAB_FLUME_IP
SLUICE_LOGS_FILE=$SLUICE_HOME/samples/access_logs/elastic-examples_apache_logs.log
SLUICE_LOGS_SINK_PORT=$SLUICE_LAB_LOGS_SINK_PORT
SLUICE_TWEETS_FILE=$SLUICE_HOME/samples/tweets/ALL_shared_tweets.jsonl
SLUICE_TWEETS_SINK_PORT=$SLUICE_LAB_TWEETS_SINK_PORT
SLUICE_REJECTS_DIR=$LAB_ROOT/var/lib/sluice/rejects/\$SLUICE_AGENT_NAME
SLUICE_STATE_DIR=$LAB_ROOT/var/lib/sluice/state/\$SLUICE_AGENT_NAME
ENV

agent_unit() {
  local name="$1" metrics_port="$2"
  unit "sluice-agent-$name.service" <<UNIT
[Unit]
Description=Sluice lab: Flume agent $name
After=network-online.target
Wants=network-online.target

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice
ExecStart=$SLUICE agent -n $name -f $SLUICE_HOME/conf/agents/$name-agent.properties -c $LAB_ROOT$flume_conf --plugins-path $SLUICE_HOME/plugins.d -Dflume.monitoring.type=io.sluice.flume.metrics.PrometheusMonitorService -Dflume.monitoring.port=$metrics_port
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
}

agent_unit logs "$SLUICE_LAB_LOGS_METRICS_PORT"
agent_unit tweets "$SLUICE_LAB_TWEETS_METRICS_PORT"

wait_port "$SLUICE_LAB_FLUME_IP" "$SLUICE_LAB_LOGS_SINK_PORT" 120 sluice-agent-logs.service
wait_port "$SLUICE_LAB_FLUME_IP" "$SLUICE_LAB_TWEETS_SINK_PORT" 120 sluice-agent-tweets.service
