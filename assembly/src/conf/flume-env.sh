# shellcheck shell=bash
# flume-env.sh: the environment of Flume agents started with `bin/sluice agent` (which sources this
# file from its -c/--conf directory, default SLUICE_HOME/conf, as flume-ng does). Every assignment
# is exported to the agent. Set at that point: SLUICE_HOME, and SLUICE_AGENT_NAME (the -n value).
#
# The defaults below run the bundled agents on one machine against `sluice kafka` (127.0.0.1:9092):
#
#   bin/sluice kafka --topics sluice-logs,sluice-logs-rejects,sluice-tweets,sluice-tweets-rejects &
#   bin/sluice agent -n logs   -f conf/agents/logs-agent.properties &
#   bin/sluice agent -n tweets -f conf/agents/tweets-agent.properties &
#   bin/sluice submit --master 'local[2]' --class io.sluice.spark.AnalyticsJob jobs/sluice-spark-jobs.jar \
#       --sinks 127.0.0.1:4141,127.0.0.1:4142 --out analytics-out
#
# A value already in the environment wins (${NAME:-default}).

# JVM flags of the agent, after Sluice's defaults (-Xms128m -Xmx512m), so they win.
#JAVA_OPTS="-Xmx1g"
# Extra classpath entries (jars of plugins kept outside plugins.d).
#FLUME_CLASSPATH=""

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
# Replay rate of the logs agent's source in events per second (decimal); 0 = as fast as the channel
# accepts (`sluice bench pipeline` paces its latency run with it).
SLUICE_LOGS_EVENTS_PER_SECOND="${SLUICE_LOGS_EVENTS_PER_SECOND:-0}"
# Dead-letter directory of this agent (file_roll sink); created here if missing.
SLUICE_REJECTS_DIR="${SLUICE_REJECTS_DIR:-$PWD/rejects/${SLUICE_AGENT_NAME:-agent}}"
mkdir -p "$SLUICE_REJECTS_DIR"
