package io.switchboard.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One {@code -----BEGIN TYPE-----} ... {@code -----END TYPE-----} block of a PEM file (RFC 7468), and the
 * parser that finds them. Text outside blocks (openssl's human-readable dump, PKCS#12 "Bag Attributes") is
 * ignored, as openssl does.
 *
 * @param type      the label, for example {@code CERTIFICATE} or {@code EC PRIVATE KEY}
 * @param encrypted whether the block carries RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}), the legacy
 *                  openssl encryption of traditional keys
 * @param der       the decoded content
 */
record PemBlock(String type, boolean encrypted, byte[] der) {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /**
     * Finds every block of a file.
     *
     * @param file  where the bytes came from, for error messages
     * @param bytes the file's contents
     * @return the blocks in file order; empty when the file holds none
     * @throws TlsConfigException when a block is not closed, closed with another label, or not Base64
     */
    static List<PemBlock> parse(Path file, byte[] bytes) {
        List<PemBlock> blocks = new ArrayList<>();
        String[] lines = new String(bytes, StandardCharsets.US_ASCII).split("\r?\n|\r");
        String type = null;
        boolean headers = false;
        StringBuilder base64 = new StringBuilder();
        int startLine = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (type == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + DASHES.length()) {
                    type = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    headers = false;
                    base64.setLength(0);
                    startLine = i + 1;
                }
            } else if (line.startsWith(END)) {
                String endType = line.endsWith(DASHES) ? line.substring(END.length(), line.length() - DASHES.length()) : "";
                if (!endType.equals(type)) {
                    throw new TlsConfigException(file, "PEM block '" + type + "' opened on line " + startLine
                            + " is closed by '" + line + "' on line " + (i + 1));
                }
                blocks.add(new PemBlock(type, headers, decode(file, type, startLine, base64)));
                type = null;
            } else if (line.indexOf(':') >= 0) {
                headers |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (type != null) {
            throw new TlsConfigException(file, "PEM block '" + type + "' opened on line " + startLine + " has no END line");
        }
        return blocks;
    }

    private static byte[] decode(Path file, String type, int line, CharSequence base64) {
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(file, "PEM block '" + type + "' opened on line " + line + " is not valid Base64: "
                    + e.getMessage());
        }
    }
}
