package io.switchboard.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough DER (ASN.1 distinguished encoding) to turn the key forms openssl writes into PKCS#8: read a
 * tag-length-value, list the elements of a SEQUENCE, write a SEQUENCE around parts. Definite lengths up to 4
 * bytes only (a key file is kilobytes); anything else is reported as malformed.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** Context-specific, constructed, tag 0: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    /** The encoded object identifier 1.2.840.113549.1.1.1, rsaEncryption. */
    static final byte[] RSA_ENCRYPTION = {0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** The encoded object identifier 1.2.840.10045.2.1, id-ecPublicKey. */
    static final byte[] EC_PUBLIC_KEY = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    private Der() {
    }

    /**
     * One element: its tag, its value bytes and its whole encoding.
     *
     * @param tag     the identifier octet
     * @param value   the content octets
     * @param encoded tag, length and content, as found
     */
    record Element(int tag, byte[] value, byte[] encoded) {
        /** {@return the elements inside this constructed element, in order} */
        List<Element> children() {
            List<Element> out = new ArrayList<>();
            int at = 0;
            while (at < value.length) {
                Element e = readAt(value, at);
                out.add(e);
                at += e.encoded.length;
            }
            return out;
        }
    }

    /**
     * Reads the single element that {@code der} holds.
     *
     * @param der an encoding
     * @return the element
     * @throws IllegalArgumentException when the bytes are not one well-formed element
     */
    static Element read(byte[] der) {
        Element e = readAt(der, 0);
        if (e.encoded.length != der.length) {
            throw new IllegalArgumentException("malformed DER: " + (der.length - e.encoded.length) + " bytes after the end");
        }
        return e;
    }

    private static Element readAt(byte[] b, int start) {
        if (b.length - start < 2) {
            throw new IllegalArgumentException("malformed DER: truncated header");
        }
        int tag = b[start] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw new IllegalArgumentException("malformed DER: multi-byte tags are not used in keys");
        }
        int first = b[start + 1] & 0xFF;
        int at = start + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 4 || b.length - at < octets) {
                throw new IllegalArgumentException("malformed DER: bad length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (b[at++] & 0xFF);
            }
        }
        if (length > b.length - at) {
            throw new IllegalArgumentException("malformed DER: length " + length + " past the end");
        }
        int end = at + (int) length;
        return new Element(tag, Arrays.copyOfRange(b, at, end), Arrays.copyOfRange(b, start, end));
    }

    /**
     * Encodes one element.
     *
     * @param tag   the identifier octet
     * @param parts the content, concatenated in order (each usually an encoded element)
     * @return tag, length and content
     */
    static byte[] write(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Renders an encoded object identifier in dotted form, for error messages.
     *
     * @param value the content octets of an OBJECT IDENTIFIER
     * @return for example {@code 1.2.840.10045.3.1.7}
     */
    static String dotted(byte[] value) {
        StringBuilder s = new StringBuilder();
        long arc = 0;
        boolean first = true;
        for (byte b : value) {
            arc = (arc << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    int top = (int) Math.min(arc / 40, 2);
                    s.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    s.append('.').append(arc);
                }
                arc = 0;
            }
        }
        return s.toString();
    }
}
