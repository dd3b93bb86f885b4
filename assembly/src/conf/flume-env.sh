# shellcheck shell=bash
# flume-env.sh: the environment of Flume agents started with `bin/sluice agent` (which sources this
# file from its -c/--conf directory, default SLUICE_HOME/conf, as flume-ng does). Every assignment
# is exported to the agent. Set at that point: SLUICE_HOME, and SLUICE_AGENT_NAME (the -n value).
#
# The defaults below run the bundled agents on one machine against `sluice kafka` (127.0.0.1:9092):
#
#   bin/sluice kafka --topics sluice-logs,sluice-logs-rejects,sluice-tweets,sluice-tweets-rejects,\
#       sluice-syslog,sluice-syslog-rejects &
#   bin/sluice agent -n logs   -f conf/agents/logs-agent.properties &
#   bin/sluice agent -n tweets -f conf/agents/tweets-agent.properties &
#   (or, instead of the logs agent's replay, a live access log: same topics, SparkSink on 4146)
#   bin/sluice agent -n weblogs -f conf/agents/web-logs-agent.properties &
#   bin/sluice agent -n syslog -f conf/agents/syslog-agent.properties &
#   bin/sluice submit --master 'local[2]' --class io.sluice.spark.job.AnalyticsJob jobs/sluice-spark-jobs.jar \
#       --sinks 127.0.0.1:4141,127.0.0.1:4142,127.0.0.1:4145 --out analytics-out
#
# A value already in the environment wins (${NAME:-default}).

# JVM flags of the agent, after Sluice's defaults (-Xms128m -Xmx512m), so they win.
#JAVA_OPTS="-Xmx1g"
# Extra classpath entries (jars of plugins kept outside plugins.d).
#FLUME_CLASSPATH=""

# --- Prometheus metrics (on by default) ---
# Every agent serves its Flume counters at http://HOST:PORT/metrics (io.sluice.flume.metrics.
# PrometheusMonitorService, all interfaces; README.md, "Metrics: Prometheus"). Default port by agent name
# (-n): logs 9464, tweets 9465, twitter 9466 (twitter-v1-agent), bluesky 9467, x 9468, weblogs 9469 (web-logs-agent),
# syslog 9470, mqtt 9471, kinesis 9472, zeromq 9473, tcp 9474; another name has none. SLUICE_METRICS_PORT overrides it (two agents of one name on one
# host need two ports); SLUICE_METRICS_PORT=off serves nothing. A -Dflume.monitoring.type/port on the
# `sluice agent` command line wins over these (it comes after JAVA_OPTS).
case "${SLUICE_AGENT_NAME:-}" in
  logs) sluice_metrics_port=9464 ;;
  tweets) sluice_metrics_port=9465 ;;
  twitter) sluice_metrics_port=9466 ;;
  bluesky) sluice_metrics_port=9467 ;;
  x) sluice_metrics_port=9468 ;;
  weblogs) sluice_metrics_port=9469 ;;
  syslog) sluice_metrics_port=9470 ;;
  mqtt) sluice_metrics_port=9471 ;;
  kinesis) sluice_metrics_port=9472 ;;
  zeromq) sluice_metrics_port=9473 ;;
  tcp) sluice_metrics_port=9474 ;;
  *) sluice_metrics_port=off ;;
esac
SLUICE_METRICS_PORT="${SLUICE_METRICS_PORT:-$sluice_metrics_port}"
unset sluice_metrics_port
if [ "$SLUICE_METRICS_PORT" != off ]; then
  JAVA_OPTS="-Dflume.monitoring.type=io.sluice.flume.metrics.PrometheusMonitorService -Dflume.monitoring.port=$SLUICE_METRICS_PORT${JAVA_OPTS:+ $JAVA_OPTS}"
fi

# --- values of conf/agents/*-agent.properties (${env:NAME}) ---
# Kafka bootstrap servers of the Kafka channels, host:port[,host:port].
SLUICE_KAFKA_BOOTSTRAP="${SLUICE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
# Address the SparkSinks bind to: Spark's receivers connect there.
SLUICE_SINK_HOST="${SLUICE_SINK_HOST:-127.0.0.1}"
# Files the replay sources read once, and the SparkSink ports of each agent.
SLUICE_LOGS_FILE="${SLUICE_LOGS_FILE:-$SLUICE_HOME/samples/access_logs/elastic-examples_apache_logs.log}"
SLUICE_LOGS_SINK_PORT="${SLUICE_LOGS_SINK_PORT:-4141}"
SLUICE_TWEETS_FILE="${SLUICE_TWEETS_FILE:-$SLUICE_HOME/samples/tweets/ALL_shared_tweets.jsonl}"
SLUICE_TWEETS_SINK_PORT="${SLUICE_TWEETS_SINK_PORT:-4142}"
# The web-logs agent (web-logs-agent.properties): the directory of the live access log it tails
# (access.log and its rotations access.log.N; Debian's Apache default here, nginx writes to
# /var/log/nginx) and the port of its SparkSink.
SLUICE_WEB_LOGS_DIR="${SLUICE_WEB_LOGS_DIR:-/var/log/apache2}"
SLUICE_WEB_LOGS_SINK_PORT="${SLUICE_WEB_LOGS_SINK_PORT:-4146}"
# The live posts agents (bluesky: Jetstream; x: X API v2 filtered stream) feed the same tweets pipeline
# (pipeline header `tweets`): one job polls every posts agent, e.g. --sinks 127.0.0.1:4142,127.0.0.1:4143.
SLUICE_BLUESKY_SINK_PORT="${SLUICE_BLUESKY_SINK_PORT:-4143}"
SLUICE_X_SINK_PORT="${SLUICE_X_SINK_PORT:-4144}"
# Jetstream subscribe URLs of the bluesky agent, tried in order (unset: Bluesky's public US-East
# instances), and its wantedCollections (unset: app.bsky.feed.post; * for every collection: likes,
# follows, ... are then counted by kind in summary.json's tweets.notPosts).
#SLUICE_JETSTREAM_ENDPOINTS="wss://jetstream2.us-east.bsky.network/subscribe,wss://jetstream1.us-east.bsky.network/subscribe"
#SLUICE_JETSTREAM_COLLECTIONS="app.bsky.feed.post"
# The MQTT agent (mqtt-agent.properties, logs pipeline): its SparkSink port; the broker and its topic
# filters (unset: tcp://127.0.0.1:1883, logs/+/access at QoS 1, MQTT 5, client id sluice-mqtt-logs). The
# password is never set here: SLUICE_MQTT_PASSWORD_FILE names a file holding it, or
# SLUICE_MQTT_PASSWORD_ENV the variable holding it.
SLUICE_MQTT_SINK_PORT="${SLUICE_MQTT_SINK_PORT:-4147}"
#SLUICE_MQTT_BROKER="ssl://mqtt.example.org:8883"
#SLUICE_MQTT_TOPICS="logs/+/access"
#SLUICE_MQTT_CA_FILE="/etc/ssl/certs/mqtt-ca.pem"
#SLUICE_MQTT_USERNAME="flume"
#SLUICE_MQTT_PASSWORD_FILE="$SLUICE_HOME/conf/mqtt.password"
# The Kinesis agent (kinesis-agent.properties, logs pipeline): its SparkSink port; the stream, region and
# endpoint (unset: stream sluice-logs, the AWS SDK's default region chain, AWS's endpoint; for kinesalite
# set the endpoint and SLUICE_KINESIS_CBOR=false). Credentials come from the AWS SDK's default chain
# (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles), never from here. Its checkpoints
# are kept under SLUICE_STATE_DIR (kinesis-checkpoints/).
SLUICE_KINESIS_SINK_PORT="${SLUICE_KINESIS_SINK_PORT:-4148}"
#SLUICE_KINESIS_STREAM="sluice-logs"
#SLUICE_KINESIS_REGION="eu-west-1"
#SLUICE_KINESIS_ENDPOINT="http://127.0.0.1:4567"
#SLUICE_KINESIS_CBOR="false"
#SLUICE_KINESIS_POSITION="TRIM_HORIZON"
#SLUICE_KINESIS_ASSIGNMENT="0/1"
# The ZeroMQ agent (zeromq-agent.properties, logs pipeline): its SparkSink port; its socket (unset: SUB connecting
# to tcp://127.0.0.1:5556, every topic, one frame per line). ZeroMQ has no redelivery: PUB/SUB drops for a slow
# or absent subscriber; PUSH/PULL (SLUICE_ZEROMQ_SOCKET_TYPE=PULL) makes the pusher wait instead.
SLUICE_ZEROMQ_SINK_PORT="${SLUICE_ZEROMQ_SINK_PORT:-4149}"
#SLUICE_ZEROMQ_SOCKET_TYPE="PULL"
#SLUICE_ZEROMQ_ENDPOINTS="tcp://127.0.0.1:5556"
#SLUICE_ZEROMQ_TOPICS="logs."
#SLUICE_ZEROMQ_TOPIC_FRAME="true"
# The TCP agent (tcp-agent.properties, logs pipeline, Flume's netcat source): its SparkSink port, and the address
# and port it listens on for '\n'-terminated access-log lines (each answered OK once in the Kafka channel).
SLUICE_TCP_SINK_PORT="${SLUICE_TCP_SINK_PORT:-4150}"
SLUICE_TCP_HOST="${SLUICE_TCP_HOST:-127.0.0.1}"
SLUICE_TCP_PORT="${SLUICE_TCP_PORT:-5150}"
SLUICE_SYSLOG_FILE="${SLUICE_SYSLOG_FILE:-$SLUICE_HOME/samples/syslog/elastic-examples_auth.log}"
SLUICE_SYSLOG_SINK_PORT="${SLUICE_SYSLOG_SINK_PORT:-4145}"
# The syslog agent's syslogtcp and syslogudp sources: bind address (loopback by default; 0.0.0.0
# receives from other hosts, and syslog has no authentication) and ports (5140: no root needed, unlike
# syslog's 514).
SLUICE_SYSLOG_HOST="${SLUICE_SYSLOG_HOST:-127.0.0.1}"
SLUICE_SYSLOG_TCP_PORT="${SLUICE_SYSLOG_TCP_PORT:-5140}"
SLUICE_SYSLOG_UDP_PORT="${SLUICE_SYSLOG_UDP_PORT:-5140}"
# Replay rate of the logs agent's source in events per second (decimal); 0 = as fast as the channel
# accepts (`sluice bench pipeline` paces its latency run with it).
SLUICE_LOGS_EVENTS_PER_SECOND="${SLUICE_LOGS_EVENTS_PER_SECOND:-0}"
# Dead-letter directory of this agent (file_roll sink); created here if missing.
SLUICE_REJECTS_DIR="${SLUICE_REJECTS_DIR:-$PWD/rejects/${SLUICE_AGENT_NAME:-agent}}"
mkdir -p "$SLUICE_REJECTS_DIR"
# State that must outlive the agent JVM: the replay sources' position files (positionFile), so a
# restarted agent resumes after the last committed line instead of replaying its file; for the
# web-logs agent TAILDIR's position file and the state of its line-id interceptor. Keep it across
# restarts; delete it to replay (re-read) from the start.
SLUICE_STATE_DIR="${SLUICE_STATE_DIR:-$PWD/state/${SLUICE_AGENT_NAME:-agent}}"
mkdir -p "$SLUICE_STATE_DIR"

# --- Raw archive to HDFS (off by default) ---
# Set this ONE value to make every packaged agent also write each event it reads, raw (headers and body
# byte for byte), to HDFS under SLUICE_HDFS_ARCHIVE_URI/<pipeline>/YYYY/MM/DD/HH/ (the hour of the event's
# own time, UTC), through a durable file channel under SLUICE_STATE_DIR and Flume's HDFS sink (README.md,
# "Raw archive to HDFS"; the settings are in the agent files, between `>>> raw archive to HDFS` lines):
#SLUICE_HDFS_ARCHIVE_URI=hdfs://namenode:8020/sluice/raw
SLUICE_HDFS_ARCHIVE_URI="${SLUICE_HDFS_ARCHIVE_URI:-}"
# Derived, do not set: the name of the archive's channel and sink, which the agent files append to their
# channel and sink lists (`${env:SLUICE_HDFS_ARCHIVE:-}`); empty, Flume ignores both. Exported explicitly
# for flume-ng, which sources this file without exporting its assignments.
if [ -n "$SLUICE_HDFS_ARCHIVE_URI" ]; then
  SLUICE_HDFS_ARCHIVE=archive
else
  SLUICE_HDFS_ARCHIVE=
fi
export SLUICE_HDFS_ARCHIVE_URI SLUICE_HDFS_ARCHIVE

# --- Kafka security of the Kafka channels (off by default) ---
# Against `sluice kafka --tls --scram-user NAME --scram-password-file FILE` (docs/running.md, "The
# Kafka broker: restarts, TLS and SCRAM"), set for instance:
#   SLUICE_KAFKA_BOOTSTRAP=kafka.lab:9092
#   SLUICE_KAFKA_SECURITY_PROTOCOL=SASL_SSL
#   SLUICE_KAFKA_TRUSTSTORE=/etc/sluice/kafka-ca.pem      (a copy of the broker's DATA/tls/ca.pem)
#   SLUICE_KAFKA_USER=NAME
#   SLUICE_KAFKA_PASSWORD_FILE=/etc/sluice/kafka-password  (mode 0600, readable by the agent's user)
# The password is read from that file here, into the agent's environment only: it is never written
# in an agent configuration. conf/agents/*.properties pass these values to the producer and the
# consumer of every Kafka channel (kafka.producer.* / kafka.consumer.*); unset, they fall back to
# Kafka's own defaults (PLAINTEXT, the JDK's trusted CAs, no credentials).
#
# Security protocol: PLAINTEXT (default), SSL (`sluice kafka --tls`) or SASL_SSL (`--tls --scram-user`).
SLUICE_KAFKA_SECURITY_PROTOCOL="${SLUICE_KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}"
# Certificates trusted for SSL / SASL_SSL (default: the JDK's CAs): a PEM file such as the broker's
# DATA/tls/ca.pem (type PEM, chosen for *.pem, *.crt, *.cer), or a PKCS12/JKS truststore read
# without a password (type PKCS12 otherwise; SLUICE_KAFKA_TRUSTSTORE_TYPE overrides).
if [ -n "${SLUICE_KAFKA_TRUSTSTORE:-}" ] && [ -z "${SLUICE_KAFKA_TRUSTSTORE_TYPE:-}" ]; then
  case "$SLUICE_KAFKA_TRUSTSTORE" in
    *.pem|*.crt|*.cer) SLUICE_KAFKA_TRUSTSTORE_TYPE=PEM ;;
    *) SLUICE_KAFKA_TRUSTSTORE_TYPE=PKCS12 ;;
  esac
fi
# SASL mechanism (default SCRAM-SHA-512) and user for SASL_SSL, and the file holding the user's
# password (trailing line breaks ignored).
SLUICE_KAFKA_SASL_MECHANISM="${SLUICE_KAFKA_SASL_MECHANISM:-SCRAM-SHA-512}"
SLUICE_KAFKA_USER="${SLUICE_KAFKA_USER:-}"
SLUICE_KAFKA_PASSWORD_FILE="${SLUICE_KAFKA_PASSWORD_FILE:-}"
# The channels' sasl.jaas.config, built from the two above (\ and " quoted for JAAS).
if [ -n "$SLUICE_KAFKA_USER" ] || [ -n "$SLUICE_KAFKA_PASSWORD_FILE" ]; then
  if [ -z "$SLUICE_KAFKA_USER" ] || [ ! -r "$SLUICE_KAFKA_PASSWORD_FILE" ]; then
    echo "flume-env.sh: SLUICE_KAFKA_USER and a readable SLUICE_KAFKA_PASSWORD_FILE go together" \
      "(user '$SLUICE_KAFKA_USER', file '$SLUICE_KAFKA_PASSWORD_FILE')" >&2
    exit 1
  fi
  sluice_kafka_password="$(cat "$SLUICE_KAFKA_PASSWORD_FILE")"
  sluice_kafka_password="${sluice_kafka_password//\\/\\\\}"
  sluice_kafka_password="${sluice_kafka_password//\"/\\\"}"
  SLUICE_KAFKA_SASL_JAAS_CONFIG="org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$SLUICE_KAFKA_USER\" password=\"$sluice_kafka_password\";"
  unset sluice_kafka_password
elif [ "$SLUICE_KAFKA_SECURITY_PROTOCOL" = SASL_SSL ] && [ -z "${SLUICE_KAFKA_SASL_JAAS_CONFIG:-}" ]; then
  echo "flume-env.sh: SLUICE_KAFKA_SECURITY_PROTOCOL=SASL_SSL needs SLUICE_KAFKA_USER and SLUICE_KAFKA_PASSWORD_FILE" >&2
  exit 1
fi
