package switchyard.actors.security;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Artery's side of a job's credentials: with {@code switchyard.security.credentials} set, every
 * node talks Akka over mutual TLS ({@code tls-tcp}, Akka's {@code ConfigSSLEngineProvider}) with
 * the job's key, trusting only the job's certificate, so a node without the credentials cannot
 * even open an association, let alone join or send a message. The passwords stay in memory.
 */
public final class TransportSecurity {
    /** TLS 1.2 with an ephemeral key exchange and AES-GCM: what Akka 2.6's TLS transport is tested with. */
    static final String PROTOCOL = "TLSv1.2";
    static final List<String> CIPHER_SUITES = List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

    private TransportSecurity() {}

    /** Whether {@code config} names credentials. */
    public static boolean hasCredentials(Config config) {
        return !config.getString("switchyard.security.credentials").isEmpty();
    }

    /** {@code config} with Artery over mutual TLS when it names credentials (checked here), else unchanged. */
    public static Config apply(Config config) {
        if (!hasCredentials(config)) return config;
        Credentials c = Credentials.load(Path.of(config.getString("switchyard.security.credentials")));
        String engine = "akka.remote.artery.ssl.config-ssl-engine.";
        Map<String, Object> tls = Map.ofEntries(
                Map.entry("akka.remote.artery.transport", "tls-tcp"),
                Map.entry("akka.remote.artery.ssl.ssl-engine-provider", "akka.remote.artery.tcp.ConfigSSLEngineProvider"),
                Map.entry(engine + "key-store", c.keyStore().toString()),
                Map.entry(engine + "trust-store", c.trustStore().toString()),
                Map.entry(engine + "key-store-password", c.password()),
                Map.entry(engine + "key-password", c.password()),
                Map.entry(engine + "trust-store-password", c.password()),
                Map.entry(engine + "protocol", PROTOCOL),
                Map.entry(engine + "enabled-algorithms", CIPHER_SUITES),
                Map.entry(engine + "require-mutual-authentication", true),
                // every node holds the same certificate; who is who is the cluster's business
                Map.entry(engine + "hostname-verification", false));
        return ConfigFactory.parseMap(tls).withFallback(config).resolve();
    }
}
