package io.switchboard.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Hands the JDK the certificate and key to present, chosen by the server name the client asked for (SNI), the
 * standard JDK way: the name is read from the engine's handshake session while the handshake runs.
 *
 * <p>Aliases are indexes: alias {@code "0"} is the default identity (clients that send no SNI or a name no
 * entry matches); the others follow in configuration order. A name is looked up exactly first, then against
 * wildcards ({@code *.example.com} matches one label). When the JDK asks for a key type the chosen identity
 * does not have (an RSA certificate when the client only signs with ECDSA, say), no alias is returned for that
 * type and the JDK tries the client's next signature scheme. As a client (mutual TLS) the default identity is
 * offered when its key type is one the server accepts. Thread-safe (immutable).
 */
final class CertificateChooser extends X509ExtendedKeyManager {
    private static final String DEFAULT = "0";

    private final List<LoadedIdentity> identities;
    private final Map<String, Integer> exact;
    private final Map<String, Integer> wildcards;

    /**
     * Builds the manager.
     *
     * @param identities the default identity first, then the SNI ones
     * @param exact      normalized exact names to indexes into {@code identities}
     * @param wildcards  normalized {@code *.domain} patterns to indexes
     */
    CertificateChooser(List<LoadedIdentity> identities, Map<String, Integer> exact, Map<String, Integer> wildcards) {
        this.identities = List.copyOf(identities);
        this.exact = Map.copyOf(exact);
        this.wildcards = Map.copyOf(wildcards);
    }

    /**
     * The identity a server name selects.
     *
     * @param serverName the normalized name the client sent, or null when it sent none
     * @return the index of the identity
     */
    int select(String serverName) {
        if (serverName == null) {
            return 0;
        }
        Integer index = exact.get(serverName);
        if (index == null) {
            String wildcard = HostNames.wildcardOf(serverName);
            index = wildcard == null ? null : wildcards.get(wildcard);
        }
        return index == null ? 0 : index;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        int index = select(requestedName(engine));
        return matches(index, keyType) ? Integer.toString(index) : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matches(0, keyType) ? DEFAULT : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        for (String keyType : keyTypes) {
            if (matches(0, keyType)) {
                return DEFAULT;
            }
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return matches(0, keyType) ? new String[] {DEFAULT} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        LoadedIdentity identity = identity(alias);
        return identity == null ? null : identity.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        LoadedIdentity identity = identity(alias);
        return identity == null ? null : identity.key();
    }

    private static String requestedName(SSLEngine engine) {
        SSLSession session = engine == null ? null : engine.getHandshakeSession();
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName host) {
                    return HostNames.normalize(host.getAsciiName());
                }
            }
        }
        return null;
    }

    private boolean matches(int index, String keyType) {
        return keyType != null && identities.get(index).key().getAlgorithm().equals(keyType);
    }

    private String[] aliases(String keyType) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < identities.size(); i++) {
            if (matches(i, keyType)) {
                out.add(Integer.toString(i));
            }
        }
        return out.isEmpty() ? null : out.toArray(new String[0]);
    }

    private LoadedIdentity identity(String alias) {
        try {
            int index = Integer.parseInt(alias);
            return index >= 0 && index < identities.size() ? identities.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
