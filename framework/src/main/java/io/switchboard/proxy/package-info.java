/**
 * HAProxy's PROXY protocol, v1 and v2: a stage that reads the header a load balancer sends ahead of each client's
 * bytes, from trusted sources only and within a deadline, and makes the connection report the client's address.
 */
package io.switchboard.proxy;
