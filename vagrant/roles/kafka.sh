# shellcheck shell=bash
# Role kafka: a single-node Kafka 3.9 broker (KRaft) on the lab network, with the pipeline's topics.
# Sourced by provision.sh (lab.env and lib/common.sh loaded, SLUICE set).

state_dir /var/lib/sluice /var/lib/sluice/kafka

unit sluice-kafka.service <<UNIT
[Unit]
Description=Sluice lab: Kafka broker (KRaft)
After=network-online.target
Wants=network-online.target

[Service]
User=$LAB_USER
WorkingDirectory=$LAB_ROOT/var/lib/sluice/kafka
ExecStart=$SLUICE kafka --data $LAB_ROOT/var/lib/sluice/kafka --listen $SLUICE_LAB_KAFKA_IP:$SLUICE_LAB_KAFKA_PORT --controller-port $SLUICE_LAB_KAFKA_CONTROLLER_PORT --topics sluice-logs,sluice-logs-rejects,sluice-tweets,sluice-tweets-rejects
SuccessExitStatus=143
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT

wait_port "$SLUICE_LAB_KAFKA_IP" "$SLUICE_LAB_KAFKA_PORT" 120 sluice-kafka.service
