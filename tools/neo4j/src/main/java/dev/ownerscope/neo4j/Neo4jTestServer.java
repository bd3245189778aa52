package dev.ownerscope.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Minimal launcher of a real Neo4j Community DBMS for the ownerscope test suite.
 *
 * <p>Usage: {@code java -cp ... dev.ownerscope.neo4j.Neo4jTestServer --home DIR [--port 7687]
 * [--host 127.0.0.1] [--no-auth] [--pagecache 64m]}. The password of user {@code neo4j} is read from the
 * environment variable {@code OWNERSCOPE_NEO4J_PASSWORD} (default {@code ownerscope-test}), so
 * it never shows up in a process listing.
 *
 * <p>Bolt listens on HOST:PORT; HTTP/HTTPS are off. When the DBMS is up and the password is in
 * place a line {@code OWNERSCOPE_NEO4J_READY bolt://HOST:PORT auth=... version=... pid=...} is
 * printed on stdout. The process
 * then runs until it is killed; SIGTERM/SIGINT shut the DBMS down cleanly via a shutdown hook.
 */
public final class Neo4jTestServer {
    public static final String READY_MARKER = "OWNERSCOPE_NEO4J_READY";
    private static final String USER = "neo4j";

    private Neo4jTestServer() {}

    public static void main(String[] args) throws Exception {
        Path home = null;
        String host = "127.0.0.1";
        int port = 7687;
        boolean auth = true;
        long pagecache = ByteUnit.mebiBytes(64);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--host" -> host = args[++i];
                case "--no-auth" -> auth = false;
                case "--pagecache" -> pagecache = parseSize(args[++i]);
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (home == null) {
            System.err.println("usage: Neo4jTestServer --home DIR [--port N] [--host H] [--no-auth]");
            System.exit(2);
        }
        String password = System.getenv().getOrDefault("OWNERSCOPE_NEO4J_PASSWORD", "ownerscope-test");
        if (auth && password.length() < 8) {
            // Neo4j's default dbms.security.auth_minimum_password_length is 8.
            System.err.println("OWNERSCOPE_NEO4J_PASSWORD must have at least 8 characters");
            System.exit(2);
        }

        Files.createDirectories(home);
        SocketAddress bolt = new SocketAddress(host, port);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home.toAbsolutePath())
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(host))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(host))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // advertised address is what dbms.routing.getRoutingTable hands to neo4j:// drivers
                .setConfig(BoltConnector.advertised_address, bolt)
                // Bolt waits 2 x 5 s on shutdown by default; a test server need not.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Server-side routing needs an extra listener (default :7688); a single instance
                // does not need it: neo4j:// drivers do client-side routing via the routing
                // table procedure, which works without it.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.filewatcher_enabled, false)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("shutting down Neo4j ...");
            System.out.flush();
            try {
                dbms.shutdown();
            } finally {
                System.out.println("Neo4j stopped");
                System.out.flush();
                stopped.countDown();
            }
        }, "neo4j-shutdown"));

        if (auth) {
            setPassword(dbms, password);
        }
        System.out.println(READY_MARKER + " bolt://" + host + ":" + port + " auth=" + (auth ? "enabled" : "disabled")
                + " version=" + org.neo4j.kernel.internal.Version.getNeo4jVersion()
                + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        stopped.await();
    }

    /** "512m", "2g", "65536k" or a plain number of bytes. */
    static long parseSize(String text) {
        String t = text.trim().toLowerCase();
        long unit = 1;
        switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> unit = ByteUnit.kibiBytes(1);
            case 'm' -> unit = ByteUnit.mebiBytes(1);
            case 'g' -> unit = ByteUnit.gibiBytes(1);
            default -> { }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    /**
     * Gives user neo4j the wanted password without a forced change. The embedded API runs with
     * full privileges, so this is plain Cypher on the system database. It is done on every start
     * (idempotent) so that a changed OWNERSCOPE_NEO4J_PASSWORD takes effect on an existing
     * data directory.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        var system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER " + USER + " SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException e) {
            // Re-setting the current password is refused ("Old password and new password cannot
            // be the same"); then only the change-required flag might still need clearing.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED");
        }
    }
}
