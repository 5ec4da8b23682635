/**
 * Datagrams (UDP) on the same loops, pipelines and handlers as streams: {@link io.switchboard.udp.DatagramServer}
 * binds endpoints, {@link io.switchboard.udp.DatagramClient} opens connected ones, each datagram travels an
 * endpoint's pipeline as one {@link io.switchboard.udp.Datagram}, and {@link io.switchboard.udp.PeerTracker} tells
 * which peers are online.
 */
package io.switchboard.udp;
