package kafkachaos;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.kafka.common.TopicPartition;

/**
 * One JSON object per line on stdout, the shape Kafka's verifiable tools
 * print: "timestamp" (milliseconds since the epoch when the line is
 * printed) and "name", then the event's own fields. Every line is flushed
 * at once: the container's output is the application's ledger and must
 * hold every event printed before a SIGKILL.
 */
final class Events {
    private static final PrintStream OUT = new PrintStream(System.out, false, StandardCharsets.UTF_8);

    private final StringBuilder b = new StringBuilder(128);

    private Events(String name) {
        b.append("{\"timestamp\":").append(System.currentTimeMillis()).append(",\"name\":");
        quote(b, name);
    }

    static Events of(String name) {
        return new Events(name);
    }

    Events field(String key, String value) {
        if (value == null) {
            return this;
        }
        b.append(',');
        quote(b, key);
        b.append(':');
        quote(b, value);
        return this;
    }

    Events field(String key, long value) {
        b.append(',');
        quote(b, key);
        b.append(':').append(value);
        return this;
    }

    Events field(String key, boolean value) {
        b.append(',');
        quote(b, key);
        b.append(':').append(value);
        return this;
    }

    /** A list of {"topic","partition"} objects, with "offset" when offsets is true. */
    Events partitions(String key, Collection<TopicPartition> tps, java.util.function.ToLongFunction<TopicPartition> offset) {
        b.append(',');
        quote(b, key);
        b.append(":[");
        boolean first = true;
        for (TopicPartition tp : tps) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append("{\"topic\":");
            quote(b, tp.topic());
            b.append(",\"partition\":").append(tp.partition());
            if (offset != null) {
                b.append(",\"offset\":").append(offset.applyAsLong(tp));
            }
            b.append('}');
        }
        b.append(']');
        return this;
    }

    void print() {
        b.append('}');
        synchronized (OUT) {
            OUT.println(b);
            OUT.flush();
        }
    }

    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
