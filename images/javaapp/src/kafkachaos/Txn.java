package kafkachaos;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Ending a transaction as both transactional applications do: commit or
 * abort as meant; after an abortable error (a failed send, a refused
 * commit or offset commit) abort instead; after a fatal one (fenced, out
 * of sequence, not authorised, unsupported) or a call that blocked past
 * max.block.ms, the outcome is unknown and the producer must be replaced:
 * the next one's initTransactions settles what this one left open. Each
 * end is printed as a txn_end event.
 */
final class Txn {
    private Txn() {
    }

    /** How a transaction ended: committed, aborted or unknown. */
    enum Status {
        COMMITTED, ABORTED, UNKNOWN;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static boolean fatal(KafkaException e) {
        return e instanceof ProducerFencedException || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException || e instanceof TimeoutException || e instanceof InterruptException;
    }

    /**
     * Ends transaction txn of p: committed when commit is set and nothing
     * failed before (earlier is null), else aborted; prints and returns
     * how it ended.
     */
    static Status end(Producer<?, ?> p, long txn, boolean commit, KafkaException earlier) {
        KafkaException cause = earlier;
        if (cause == null) {
            try {
                if (commit) {
                    p.commitTransaction();
                    return ended(txn, Status.COMMITTED, null);
                }
                p.abortTransaction();
                return ended(txn, Status.ABORTED, null);
            } catch (KafkaException e) {
                cause = e;
            }
        }
        if (fatal(cause)) {
            return ended(txn, Status.UNKNOWN, cause.toString());
        }
        try {
            p.abortTransaction();
            return ended(txn, Status.ABORTED, cause.toString());
        } catch (KafkaException e) {
            return ended(txn, Status.UNKNOWN, cause + "; abort: " + e);
        }
    }

    private static Status ended(long txn, Status s, String error) {
        Events.of("txn_end").field("txn", txn).field("status", s.label()).field("error", error).print();
        return s;
    }
}
