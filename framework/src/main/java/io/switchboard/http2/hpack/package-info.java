/**
 * HPACK, the header compression of HTTP/2 (RFC 7541): {@link io.switchboard.http2.hpack.HpackDecoder} and
 * {@link io.switchboard.http2.hpack.HpackEncoder}, one of each per connection, with the static table, the
 * dynamic tables and the Huffman code, every limit a peer could abuse bounded. No I/O: the connection hands in
 * whole header blocks and takes out encoded ones.
 */
package io.switchboard.http2.hpack;
