package kafkachaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A transactional producer as the harness's sarama one is
 * (workload/producer in Go), on Kafka's Java client: messages paced at the
 * scenario's rate, in transactions of the profile's size, each committed
 * or aborted as the seed picks (drawn exactly as the harness draws it).
 * A transaction the client cannot end (a fatal error, or a commit that
 * times out after max.block.ms, the transaction timeout) is left unknown
 * and its producer replaced: the new one's initTransactions fences the
 * old and settles what it left open. A stop mid-transaction aborts it.
 *
 * Events (stdout): startup_complete; send (seq, txn) before a message is
 * handed to the client; its result as the verifiable producer prints one,
 * producer_send_success (partition, offset) or producer_send_error
 * (exception, message), with seq and txn; txn_begin (txn, intent);
 * txn_end (txn, status committed, aborted or unknown, error);
 * producer_error (a producer that could not start or begin, replaced);
 * shutdown_complete.
 */
final class TxnProducerApp {
    private final Properties client;
    private final String topic;
    private final String profile;
    private final int rate;
    private final int size;
    private final int txnSize;
    private final double abortRatio;
    private final long seed;
    private final int keys;
    private volatile boolean running = true;
    private KafkaProducer<String, String> producer;

    TxnProducerApp(Properties all) {
        client = App.client(all);
        topic = App.setting(all, "topic");
        profile = App.setting(all, "profile");
        rate = Integer.parseInt(App.setting(all, "rate"));
        size = Integer.parseInt(App.setting(all, "message.bytes"));
        txnSize = Integer.parseInt(App.setting(all, "txn.size"));
        abortRatio = Double.parseDouble(App.setting(all, "txn.abort.ratio"));
        seed = Long.parseLong(App.setting(all, "seed"));
        keys = Integer.parseInt(App.setting(all, "keys"));
    }

    /** The intent of transaction seq: abort when the seed's draw falls below the ratio (schema.Transactions.Intent in Go). */
    static String intent(long seed, long seq, double abortRatio) {
        long x = Failures.draw(seed, "txn-" + seq);
        return (double) (x >>> 11) / (double) (1L << 53) < abortRatio ? "abort" : "commit";
    }

    int run() throws Exception {
        client.put("key.serializer", StringSerializer.class.getName());
        client.put("value.serializer", StringSerializer.class.getName());
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running = false;
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            connect();
            Events.of("startup_complete").print();
            long start = System.nanoTime();
            long seq = 0;
            for (long txn = 1; running; txn++) {
                String intent = intent(seed, txn, abortRatio);
                if (!begin(txn, intent)) {
                    continue;
                }
                for (int sent = 0; sent < txnSize && running; sent++, seq++) {
                    long due = start + seq * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    send(seq, txn);
                }
                // A stop is not a fault: the transaction it cut short is aborted.
                end(txn, running ? intent : "abort");
            }
        } finally {
            try {
                if (producer != null) {
                    producer.close(Duration.ofSeconds(30));
                }
            } finally {
                Events.of("shutdown_complete").print();
                done.countDown();
            }
        }
        return 0;
    }

    /** A new producer under the transactional id, retried until it initialises or the application stops. */
    private void connect() throws InterruptedException {
        while (running) {
            producer = new KafkaProducer<>(client);
            try {
                producer.initTransactions();
                return;
            } catch (KafkaException e) {
                Events.of("producer_error").field("error", e.toString()).print();
                producer.close(Duration.ZERO);
                producer = null;
                TimeUnit.SECONDS.sleep(1);
            }
        }
    }

    private boolean begin(long txn, String intent) throws InterruptedException {
        if (producer == null) {
            connect();
            if (producer == null) {
                return false;
            }
        }
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            Events.of("producer_error").field("error", e.toString()).print();
            replace();
            return false;
        }
        Events.of("txn_begin").field("txn", txn).field("intent", intent).print();
        return true;
    }

    private void send(long seq, long txn) {
        String id = String.format("%s-%09d", profile, seq);
        StringBuilder v = new StringBuilder(size).append(id).append('|');
        while (v.length() < size) {
            v.append('x');
        }
        String key = String.format("k%02d", seq % keys);
        Events.of("send").field("seq", seq).field("txn", txn).print();
        try {
            producer.send(new ProducerRecord<>(topic, key, v.substring(0, Math.max(size, id.length()))), (md, e) -> {
                if (e == null) {
                    Events.of("producer_send_success").field("seq", seq).field("txn", txn)
                            .field("partition", md.partition()).field("offset", md.offset()).print();
                } else {
                    failed(seq, txn, e);
                }
            });
        } catch (KafkaException e) {
            // The transaction is in an error state: the send never left.
            failed(seq, txn, e);
        }
    }

    private static void failed(long seq, long txn, Exception e) {
        Events.of("producer_send_error").field("seq", seq).field("txn", txn)
                .field("exception", e.getClass().getName()).field("message", String.valueOf(e.getMessage())).print();
    }

    /** Commits or aborts the open transaction as intent says; a producer that could not end it is replaced. */
    private void end(long txn, String intent) {
        if (Txn.end(producer, txn, intent.equals("commit"), null) == Txn.Status.UNKNOWN) {
            replace();
        }
    }

    /** Gives the producer up; the next transaction begins on a new one. */
    private void replace() {
        producer.close(Duration.ZERO);
        producer = null;
    }
}
