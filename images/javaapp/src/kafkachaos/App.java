package kafkachaos;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The kafka-chaos Java application: what Kafka's own verifiable tools
 * cannot do, on Kafka's Java client. Modes:
 *
 *   consume FILE   a consumer-group member that processes each record
 *                  with injected failures, bounded retries, a dead-letter
 *                  topic and an idempotent effect store shared by every
 *                  member (ConsumerApp)
 *   produce-txn FILE
 *                  a transactional producer: messages in transactions,
 *                  each committed or aborted as the seed picks
 *                  (TxnProducerApp)
 *
 * FILE is a properties file: the client's own settings, and the
 * application's under the "kafka-chaos." prefix.
 */
public final class App {
    static final String PREFIX = "kafka-chaos.";

    private App() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            usage();
        }
        Properties all = load(Path.of(args[1]));
        switch (args[0]) {
            case "consume" -> System.exit(new ConsumerApp(all).run());
            case "produce-txn" -> System.exit(new TxnProducerApp(all).run());
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: kafkachaos.App consume|produce-txn FILE");
        System.exit(2);
    }

    static Properties load(Path path) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        }
        return p;
    }

    /** The client's settings: every property without the application's prefix. */
    static Properties client(Properties all) {
        Properties p = new Properties();
        for (String k : all.stringPropertyNames()) {
            if (!k.startsWith(PREFIX)) {
                p.setProperty(k, all.getProperty(k));
            }
        }
        return p;
    }

    /** An application setting; a missing one is an error naming it. */
    static String setting(Properties all, String key) {
        String v = all.getProperty(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException("missing setting " + PREFIX + key);
        }
        return v;
    }
}
