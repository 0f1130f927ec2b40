package kafkachaos;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A consumer-group member as the harness's sarama application is one
 * (workload/consumer in Go), on Kafka's Java client: each record is
 * processed to one outcome (applied, skipped after failures, or
 * dead-lettered), then the poll's outcomes are committed with commitSync.
 * Processing fails as the scenario injects; a failed attempt is retried
 * with doubling backoff up to the profile's bound (0: without end), then
 * the record is dead-lettered or skipped. With dedupe, an id whose outcome
 * any member recorded is not processed again.
 *
 * Events (stdout) are the verifiable consumer's startup_complete,
 * partitions_assigned, partitions_revoked, offsets_committed and
 * shutdown_complete, and the application's own: retry, skip,
 * dead_letter, deduped and group_error, each with the record's id, seq,
 * partition, offset, attempt and error.
 *
 * With an output topic it is the consume-transform-produce application
 * instead (transform): it reads read_committed, copies each batch to the
 * output topic and commits the batch's offsets in the same transaction,
 * printing txn_begin (txn, partition, first, last, n) and txn_end (txn,
 * status committed, aborted or unknown, error).
 */
final class ConsumerApp {
    private static final Duration DEAD_LETTER_BACKOFF = Duration.ofMillis(100);

    private final Properties client;
    private final String topic;
    private final String member;
    private final String deadLetter;
    private final int maxAttempts;
    private final long backoffMs;
    private final long maxDelayMs;
    private final Failures failures;
    private final EffectStore store;
    private final boolean autoCommit;
    // commitTimeout bounds each commitSync: a commit the coordinator does
    // not answer within it fails, and the records are handled again by
    // whoever owns the partition next.
    private final Duration commitTimeout;
    // The consume-transform-produce application's: its output topic ("" for
    // the others), transaction size and producer settings.
    private final String output;
    private final int txnSize;
    private final Properties txnProducer;
    private long txnSeq;
    private volatile boolean running = true;

    ConsumerApp(Properties all) throws java.io.IOException {
        client = App.client(all);
        topic = App.setting(all, "topic");
        member = client.getProperty("client.id");
        deadLetter = App.setting(all, "dead.letter.topic");
        maxAttempts = Integer.parseInt(App.setting(all, "retry.max.attempts"));
        backoffMs = Long.parseLong(App.setting(all, "retry.backoff.ms"));
        maxDelayMs = Long.parseLong(App.setting(all, "retry.max.delay.ms"));
        String ids = App.setting(all, "failures.ids");
        failures = new Failures(Long.parseLong(App.setting(all, "failures.seed")),
                Double.parseDouble(App.setting(all, "failures.rate")),
                Integer.parseInt(App.setting(all, "failures.max")),
                ids.isEmpty() ? java.util.Set.of() : new HashSet<>(Arrays.asList(ids.split(","))));
        store = new EffectStore(Path.of(App.setting(all, "store")), Boolean.parseBoolean(App.setting(all, "dedupe")));
        autoCommit = Boolean.parseBoolean(client.getProperty("enable.auto.commit", "false"));
        commitTimeout = Duration.ofMillis(Long.parseLong(App.setting(all, "commit.timeout.ms")));
        output = App.setting(all, "output.topic");
        txnSize = Integer.parseInt(App.setting(all, "txn.size"));
        txnProducer = new Properties();
        if (!output.isEmpty()) {
            txnProducer.put("bootstrap.servers", client.getProperty("bootstrap.servers"));
            txnProducer.put("client.id", member + "-output");
            txnProducer.put("transactional.id", App.setting(all, "transactional.id"));
            txnProducer.put("transaction.timeout.ms", App.setting(all, "txn.timeout.ms"));
            // A begin, commit or abort blocked longer than the transaction
            // may stay open is given up, and the producer replaced.
            txnProducer.put("max.block.ms", App.setting(all, "txn.timeout.ms"));
            txnProducer.put("acks", "all");
            txnProducer.put("enable.idempotence", "true");
            txnProducer.put("key.serializer", ByteArraySerializer.class.getName());
            txnProducer.put("value.serializer", ByteArraySerializer.class.getName());
        }
    }


    int run() throws Exception {
        client.put("key.deserializer", ByteArrayDeserializer.class.getName());
        client.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client);
        KafkaProducer<byte[], byte[]> dlt = deadLetter.isEmpty() ? null : deadLetterProducer();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running = false;
            consumer.wakeup();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> tps) {
                    Events.of("partitions_assigned").partitions("partitions", tps, null).print();
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> tps) {
                    Events.of("partitions_revoked").partitions("partitions", tps, null).print();
                    // What was handled of them is committed before they go,
                    // as a member may while it still owns them.
                    Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>(pending);
                    leaving.keySet().retainAll(tps);
                    if (!leaving.isEmpty() && commit(consumer, leaving)) {
                        pending.keySet().removeAll(leaving.keySet());
                    }
                }
            });
            Events.of("startup_complete").print();
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                }
                if (!output.isEmpty()) {
                    transform(consumer, records);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (!handle(r, dlt)) {
                        break;
                    }
                    pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                // A commit that failed is tried again with the next poll's,
                // for the partitions the member still owns: otherwise the
                // last outcomes before the input ends stay uncommitted.
                pending.keySet().retainAll(consumer.assignment());
                if (!autoCommit && !pending.isEmpty() && commit(consumer, pending)) {
                    pending.clear();
                }
            }
        } finally {
            try {
                consumer.close();
                if (dlt != null) {
                    dlt.close();
                }
                if (out != null) {
                    out.close(Duration.ofSeconds(10));
                }
                store.close();
            } finally {
                Events.of("shutdown_complete").print();
                done.countDown();
            }
        }
        return 0;
    }

    /** The transactional producer of the consume-transform-produce application, null while it has none. */
    private KafkaProducer<byte[], byte[]> out;

    /**
     * Consume-transform-produce: each partition's records of the poll, in
     * batches of up to the transaction size, are copied to the output
     * topic and their offsets committed in the same transaction, as the
     * group's member (KIP-447: a zombie's commit is fenced by its
     * generation). After a transaction that did not commit, every assigned
     * partition is rewound to its committed offset (a stable read, which
     * waits for the coordinator to settle the transaction) and the rest of
     * the poll dropped, so the batch is consumed again.
     */
    private void transform(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
            for (int from = 0; from < rs.size(); from += txnSize) {
                if (!running || !transact(consumer, tp, rs.subList(from, Math.min(rs.size(), from + txnSize)))) {
                    rewind(consumer);
                    return;
                }
            }
        }
    }

    private boolean transact(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> batch) throws InterruptedException {
        if (out == null) {
            out = new KafkaProducer<>(txnProducer);
            try {
                out.initTransactions();
            } catch (KafkaException e) {
                Events.of("group_error").field("error", "output producer: " + e).print();
                replaceOutput();
                Thread.sleep(DEAD_LETTER_BACKOFF.toMillis());
                return false;
            }
        }
        long txn = ++txnSeq;
        ConsumerRecord<byte[], byte[]> first = batch.get(0), last = batch.get(batch.size() - 1);
        try {
            out.beginTransaction();
        } catch (KafkaException e) {
            Events.of("group_error").field("error", "output producer: " + e).print();
            replaceOutput();
            return false;
        }
        Events.of("txn_begin").field("txn", txn).field("intent", "commit").field("partition", tp.partition())
                .field("first", first.offset()).field("last", last.offset()).field("n", batch.size()).print();
        KafkaException failed = null;
        try {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                out.send(new ProducerRecord<>(output, null, r.key(), r.value()));
            }
            out.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(last.offset() + 1)), consumer.groupMetadata());
        } catch (KafkaException e) {
            failed = e;
        }
        Txn.Status s = Txn.end(out, txn, true, failed);
        if (s == Txn.Status.UNKNOWN) {
            replaceOutput();
        }
        return s == Txn.Status.COMMITTED;
    }

    private void replaceOutput() {
        out.close(Duration.ZERO);
        out = null;
    }

    /** Seeks every assigned partition back to its committed offset. */
    private void rewind(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
            for (TopicPartition tp : consumer.assignment()) {
                OffsetAndMetadata o = committed.get(tp);
                if (o != null) {
                    consumer.seek(tp, o);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
        } catch (WakeupException e) {
            running = false;
        } catch (KafkaException e) {
            Events.of("group_error").field("error", "rewind: " + e).print();
        }
    }

    private KafkaProducer<byte[], byte[]> deadLetterProducer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", client.getProperty("bootstrap.servers"));
        p.put("client.id", member + "-dead-letter");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** The next offset of each partition's last handled record, not committed yet. */
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();

    /** commitSync of handled records' offsets; a shutdown's wakeup does not skip it. Returns whether it succeeded. */
    private boolean commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (int tries = 0; tries < 2; tries++) {
            try {
                consumer.commitSync(offsets, commitTimeout);
                Events.of("offsets_committed").partitions("offsets", offsets.keySet(), tp -> offsets.get(tp).offset())
                        .field("success", true).print();
                return true;
            } catch (WakeupException e) {
                continue;
            } catch (RuntimeException e) {
                Events.of("offsets_committed").partitions("offsets", offsets.keySet(), tp -> offsets.get(tp).offset())
                        .field("success", false).field("error", e.toString()).print();
                return false;
            }
        }
        return false;
    }

    /**
     * Processes one record to an outcome. Returns false when the
     * application is stopping before an outcome: the record stays
     * uncommitted, and the partition's next owner handles it again.
     */
    private boolean handle(ConsumerRecord<byte[], byte[]> r, KafkaProducer<byte[], byte[]> dlt) throws Exception {
        String value = new String(r.value(), StandardCharsets.UTF_8);
        int bar = value.indexOf('|');
        String id = bar >= 0 ? value.substring(0, bar) : value;
        int dash = id.lastIndexOf('-');
        long seq;
        try {
            seq = Long.parseLong(id.substring(dash + 1));
        } catch (RuntimeException e) {
            event("skip", r, id, 0, 0, "value carries no message id").print();
            return true;
        }
        if (store.seen(id)) {
            event("deduped", r, id, seq, 0, null).print();
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            String err = null;
            if (failures.fails(id, attempt)) {
                err = "injected processing failure";
            } else if (store.record(id, seq, r.partition(), r.offset(), member, "effect")) {
                return true;
            } else {
                event("deduped", r, id, seq, 0, null).print();
                return true;
            }
            if (maxAttempts > 0 && attempt >= maxAttempts) {
                if (dlt != null) {
                    return deadLetter(dlt, r, id, seq, attempt, err);
                }
                event("skip", r, id, seq, attempt, err).print();
                return true;
            }
            event("retry", r, id, seq, attempt, err).print();
            if (!running) {
                return false;
            }
            Thread.sleep(delay(attempt));
        }
    }

    /** The wait before attempt n+1 after attempt n failed. */
    private long delay(int n) {
        long d = backoffMs;
        for (int i = 1; i < n && d < maxDelayMs; i++) {
            d *= 2;
        }
        return Math.min(d, maxDelayMs);
    }

    /**
     * Publishes r to the dead-letter topic with where it came from,
     * retrying until it is acknowledged or the application stops; the
     * outcome is recorded after the publish, so a crash in between
     * publishes it twice on re-delivery rather than never.
     */
    private boolean deadLetter(KafkaProducer<byte[], byte[]> dlt, ConsumerRecord<byte[], byte[]> r, String id, long seq, int attempts, String cause) throws Exception {
        ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(deadLetter, null, r.key(), r.value());
        pr.headers().add(new RecordHeader("dlt.topic", r.topic().getBytes(StandardCharsets.UTF_8)));
        pr.headers().add(new RecordHeader("dlt.partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8)));
        pr.headers().add(new RecordHeader("dlt.offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8)));
        pr.headers().add(new RecordHeader("dlt.attempts", Integer.toString(attempts).getBytes(StandardCharsets.UTF_8)));
        pr.headers().add(new RecordHeader("dlt.error", cause.getBytes(StandardCharsets.UTF_8)));
        while (true) {
            try {
                dlt.send(pr).get();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                event("group_error", r, id, seq, 0, "dead-letter: " + e.getCause()).print();
                if (!running) {
                    return false;
                }
                Thread.sleep(DEAD_LETTER_BACKOFF.toMillis());
            }
        }
        event("dead_letter", r, id, seq, attempts, cause).print();
        store.record(id, seq, r.partition(), r.offset(), member, "dead-letter");
        return true;
    }

    private static Events event(String name, ConsumerRecord<byte[], byte[]> r, String id, long seq, int attempt, String err) {
        Events e = Events.of(name).field("id", id).field("seq", seq).field("partition", r.partition()).field("offset", r.offset());
        if (attempt > 0) {
            e.field("attempt", attempt);
        }
        return e.field("error", err);
    }
}
