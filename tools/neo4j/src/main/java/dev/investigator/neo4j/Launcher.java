package dev.investigator.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.logging.log4j.LogConfig;
import org.neo4j.logging.Level;

/**
 * Runs a real Neo4j Community DBMS (embedded API) with the Bolt connector on a
 * loopback address, for development, tests and CI.
 *
 * <p>Authentication is DISABLED: any client that can reach the port has full
 * access. Only ever bind it to a loopback address (the default, 127.0.0.1).
 * Drivers may still send a username/password; they are accepted and ignored.
 *
 * <p>Every option can be given as {@code --name value} (or {@code --name=value})
 * or as the system property {@code neo4j.launcher.name}; arguments win.
 *
 * <pre>
 *   --home DIR                DBMS home (data/ and logs/ live below it)   [./neo4j-home]
 *   --bolt-host HOST          Bolt listen address                          [127.0.0.1]
 *   --bolt-port PORT          Bolt listen port (0 = pick a free one)       [7687]
 *   --pagecache SIZE          server.memory.pagecache.size                 [512m]
 *   --tx-total-max SIZE       dbms.memory.transaction.total.max            [Neo4j default]
 *   --tx-max SIZE             db.memory.transaction.max                    [Neo4j default]
 *   --tx-log-retention TEXT   db.tx_log.rotation.retention_policy          ["2 files"]
 *   --tx-log-rotation SIZE    db.tx_log.rotation.size                      [64m]
 *   --ready-timeout SECONDS   wait for the default database                [300]
 *   --conf FILE               extra neo4j.conf-style settings file         [none]
 *   --set KEY=VALUE           any extra Neo4j setting (repeatable)
 * </pre>
 *
 * <p>When the default database is available and Bolt is listening, exactly one
 * line {@code NEO4J_READY bolt://HOST:PORT} is printed to stdout. SIGTERM /
 * SIGINT trigger a clean {@code shutdown()} through a JVM shutdown hook.
 */
public final class Launcher {

    private static final String PROP_PREFIX = "neo4j.launcher.";

    private Launcher() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-launcher: " + e.getMessage());
            System.err.println("usage: Launcher [--home DIR] [--bolt-host HOST] [--bolt-port PORT] [--pagecache SIZE]"
                    + " [--tx-total-max SIZE] [--tx-max SIZE] [--tx-log-retention TEXT] [--tx-log-rotation SIZE]"
                    + " [--ready-timeout SECONDS] [--conf FILE] [--set KEY=VALUE]...");
            System.exit(2);
            return;
        }

        try {
            Files.createDirectories(opts.home);
        } catch (IOException e) {
            System.err.println("neo4j-launcher: cannot create home " + opts.home + ": " + e);
            System.exit(1);
        }

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(opts.home)
                // Neo4j's own "user log" (startup/shutdown notices) goes to stdout,
                // which neo4j-dev redirects to <home>/neo4j.log. debug.log is in <home>/logs/.
                .setUserLogProvider(new Log4jLogProvider(LogConfig.createBuilderToOutputStream(out, Level.INFO)
                        .withCategory(false)
                        .build()))
                // Bolt on loopback only. No extra artifact needed: org.neo4j:neo4j depends on neo4j-bolt.
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(opts.boltHost, opts.boltPort))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(opts.boltHost, opts.boltPort))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // Dev/test only: no authentication (drivers' credentials are accepted and ignored).
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pagecache)
                // Clients set per-transaction time limits (Bolt tx_timeout); check them often so a
                // timed-out query stops within a fraction of a second, not the default 2 s.
                .setConfig(GraphDatabaseSettings.transaction_monitor_check_interval, java.time.Duration.ofMillis(100))
                // Keep transaction logs small so the data dir doesn't grow without bound.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, opts.txLogRetention)
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, opts.txLogRotation)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // No phoning home (there is no internet on dev/CI machines anyway).
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Netty's graceful-shutdown quiet period defaults to 5 s per Bolt event loop group,
                // which adds ~10 s to every stop. By the time it applies, the databases are stopped
                // and all Bolt connections closed, so a dev/test server needs no quiet period.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        if (opts.txTotalMax != null) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, opts.txTotalMax);
        }
        if (opts.txMax != null) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_max_size, opts.txMax);
        }
        // The builder takes one properties file: merge --conf and --set into <home>/launcher-extra.conf.
        if (opts.confFile != null || !opts.extra.isEmpty()) {
            try {
                StringBuilder conf = new StringBuilder("# generated by neo4j-launcher on every start; do not edit\n");
                if (opts.confFile != null) {
                    conf.append(Files.readString(opts.confFile)).append('\n');
                }
                opts.extra.forEach((k, v) -> conf.append(k).append('=').append(v).append('\n'));
                Path merged = opts.home.resolve("launcher-extra.conf");
                Files.writeString(merged, conf.toString());
                builder.loadPropertiesFromFile(merged);
            } catch (IOException e) {
                System.err.println("neo4j-launcher: cannot write extra settings: " + e);
                System.exit(1);
            }
        }

        final DatabaseManagementService dbms;
        try {
            dbms = builder.build();
        } catch (Throwable t) {
            System.err.println("neo4j-launcher: failed to start Neo4j: " + t);
            t.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-launcher: shutting down");
            try {
                dbms.shutdown();
                System.err.println("neo4j-launcher: shutdown complete");
            } catch (Throwable t) {
                System.err.println("neo4j-launcher: error during shutdown: " + t);
            } finally {
                stopped.countDown();
            }
        }, "neo4j-launcher-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.SECONDS.toMillis(opts.readyTimeoutSeconds))) {
            System.err.println("neo4j-launcher: default database '" + GraphDatabaseSettings.DEFAULT_DATABASE_NAME
                    + "' not available after " + opts.readyTimeoutSeconds + " s");
            System.exit(1);
        }

        int port = opts.boltPort;
        try {
            var bound = ((GraphDatabaseAPI) db).getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            if (bound != null) {
                port = bound.getPort();
            }
        } catch (RuntimeException e) {
            // Fall back to the configured port.
        }

        out.println("NEO4J_READY bolt://" + hostForUri(opts.boltHost) + ":" + port);
        out.flush();

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** Parses sizes like 512m, 4g, 1024k, 123 (bytes). */
    static long parseSize(String name, String value) {
        try {
            return ByteUnit.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid size for --" + name + ": '" + value + "'");
        }
    }

    static final class Options {
        Path home;
        String boltHost;
        int boltPort;
        long pagecache;
        Long txTotalMax;
        Long txMax;
        String txLogRetention;
        long txLogRotation;
        long readyTimeoutSeconds;
        Path confFile;
        final Map<String, String> extra = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Map<String, String> raw = new LinkedHashMap<>();
            Map<String, String> extra = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                String name;
                String value;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(2, eq);
                    value = a.substring(eq + 1);
                } else {
                    name = a.substring(2);
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value for --" + name);
                    }
                    value = args[++i];
                }
                if (name.equals("set")) {
                    int kv = value.indexOf('=');
                    if (kv <= 0) {
                        throw new IllegalArgumentException("--set expects KEY=VALUE, got '" + value + "'");
                    }
                    extra.put(value.substring(0, kv).trim(), value.substring(kv + 1).trim());
                } else {
                    raw.put(name, value);
                }
            }

            Options o = new Options();
            o.home = Path.of(get(raw, "home", "neo4j-home")).toAbsolutePath().normalize();
            o.boltHost = get(raw, "bolt-host", "127.0.0.1");
            String portText = get(raw, "bolt-port", "7687");
            try {
                o.boltPort = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid --bolt-port '" + portText + "'");
            }
            if (o.boltPort < 0 || o.boltPort > 65535) {
                throw new IllegalArgumentException("--bolt-port out of range: " + o.boltPort);
            }
            o.pagecache = parseSize("pagecache", get(raw, "pagecache", "512m"));
            String ttm = get(raw, "tx-total-max", "");
            o.txTotalMax = ttm.isBlank() ? null : parseSize("tx-total-max", ttm);
            String tm = get(raw, "tx-max", "");
            o.txMax = tm.isBlank() ? null : parseSize("tx-max", tm);
            o.txLogRetention = get(raw, "tx-log-retention", "2 files");
            o.txLogRotation = parseSize("tx-log-rotation", get(raw, "tx-log-rotation", "64m"));
            String rt = get(raw, "ready-timeout", "300");
            try {
                o.readyTimeoutSeconds = Long.parseLong(rt.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid --ready-timeout '" + rt + "'");
            }
            String conf = get(raw, "conf", "");
            o.confFile = conf.isBlank() ? null : Path.of(conf).toAbsolutePath();
            if (o.confFile != null && !Files.isRegularFile(o.confFile)) {
                throw new IllegalArgumentException("--conf file not found: " + o.confFile);
            }
            o.extra.putAll(extra);
            for (String k : raw.keySet()) {
                if (!KNOWN.containsKey(k)) {
                    throw new IllegalArgumentException("unknown option --" + k);
                }
            }
            return o;
        }

        private static final Map<String, Boolean> KNOWN = Map.ofEntries(
                Map.entry("home", true), Map.entry("bolt-host", true), Map.entry("bolt-port", true),
                Map.entry("pagecache", true), Map.entry("tx-total-max", true), Map.entry("tx-max", true),
                Map.entry("tx-log-retention", true), Map.entry("tx-log-rotation", true),
                Map.entry("ready-timeout", true), Map.entry("conf", true));

        private static String get(Map<String, String> raw, String name, String dflt) {
            String v = raw.get(name);
            if (v == null) {
                v = System.getProperty(PROP_PREFIX + name);
            }
            return v == null ? dflt : v;
        }
    }

}
