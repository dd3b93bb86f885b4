/**
 * {@link io.sluice.flume.source.zeromq.ZeroMqSource}: ZeroMQ SUB and PULL sockets (JeroMQ) into
 * Flume, at most once: ZeroMQ has no acknowledgement or redelivery, a PUB socket drops what a slow
 * subscriber cannot queue, a PUSH socket blocks instead.
 */
package io.sluice.flume.source.zeromq;
