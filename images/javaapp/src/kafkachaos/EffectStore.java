package kafkachaos;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The side-effect target every member of a group shares, as a database
 * table would be: one JSON line per outcome in a file on a volume every
 * member's container mounts. Recording an outcome IS the side effect.
 * Writers hold an exclusive lock on the file (fcntl, which holds across
 * the containers of one kernel), so with dedupe check-and-record is atomic
 * across members, the way a unique key makes an insert idempotent. The
 * lines are the harness's consumer.Effect with "ts" (milliseconds since
 * the epoch) for its time.
 */
final class EffectStore implements AutoCloseable {
    private final FileChannel ch;
    private final boolean dedupe;
    private final Set<String> seen = new HashSet<>();
    private long read;

    EffectStore(Path path, boolean dedupe) throws IOException {
        this.ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.dedupe = dedupe;
    }

    /** Whether any member recorded an outcome for id (always false without dedupe). */
    synchronized boolean seen(String id) throws IOException {
        if (!dedupe) {
            return false;
        }
        try (FileLock l = ch.lock()) {
            catchUp();
            return seen.contains(id);
        }
    }

    /**
     * Appends an outcome; with dedupe only if none is recorded for its id
     * yet. Returns whether the line was written.
     */
    synchronized boolean record(String id, long seq, int partition, long offset, String member, String kind) throws IOException {
        StringBuilder b = new StringBuilder(160).append("{\"id\":");
        Events.quote(b, id);
        b.append(",\"seq\":").append(seq).append(",\"p\":").append(partition).append(",\"o\":").append(offset).append(",\"m\":");
        Events.quote(b, member);
        b.append(",\"k\":");
        Events.quote(b, kind);
        b.append(",\"ts\":").append(System.currentTimeMillis()).append("}\n");
        try (FileLock l = ch.lock()) {
            if (dedupe) {
                catchUp();
                if (seen.contains(id)) {
                    return false;
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            long at = ch.size();
            while (buf.hasRemaining()) {
                at += ch.write(buf, at);
            }
            if (dedupe) {
                seen.add(id);
                read = at;
            }
            return true;
        }
    }

    /** Folds the lines other members appended since the last call. */
    private void catchUp() throws IOException {
        long size = ch.size();
        if (size <= read) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (size - read));
        long at = read;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        String data = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        // Every writer holds the lock while it appends: the data ends on a
        // whole line.
        int end = data.lastIndexOf('\n') + 1;
        for (String line : data.substring(0, end).split("\n")) {
            int i = line.indexOf("\"id\":\"");
            if (i >= 0) {
                int from = i + 6;
                seen.add(line.substring(from, line.indexOf('"', from)));
            }
        }
        read += data.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
