/**
 * Stream codecs: raw bytes, lines, length-prefixed frames, and {@link io.switchboard.codec.Decoder}, the
 * base that keeps partial messages between reads so a new framing codec is a few lines.
 */
package io.switchboard.codec;
