package kafkachaos;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The scenario's injected processing failures, drawn exactly as the
 * harness draws them (schema.Failures in Go): FNV-1a 64 of "seed/id",
 * finished with splitmix64's mixer. A failing message fails its first k
 * attempts, k uniform in 1..maxFailures; a poison id fails every attempt.
 */
final class Failures {
    private final long seed;
    private final double rate;
    private final int maxFailures;
    private final Set<String> poison;

    Failures(long seed, double rate, int maxFailures, Set<String> poison) {
        this.seed = seed;
        this.rate = rate;
        this.maxFailures = maxFailures;
        this.poison = poison;
    }

    /** How many attempts of id fail before one succeeds: -1 for every one. */
    int failuresBefore(String id) {
        if (poison.contains(id)) {
            return -1;
        }
        if (rate <= 0 || maxFailures <= 0) {
            return 0;
        }
        long x = draw(seed, id);
        if ((double) (x >>> 11) / (double) (1L << 53) >= rate) {
            return 0;
        }
        return 1 + (int) Long.remainderUnsigned(x, maxFailures);
    }

    boolean fails(String id, int attempt) {
        int k = failuresBefore(id);
        return k < 0 || attempt <= k;
    }

    static long draw(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte c : (seed + "/" + key).getBytes(StandardCharsets.UTF_8)) {
            h ^= c & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long x) {
        x ^= x >>> 30;
        x *= 0xbf58476d1ce4e5b9L;
        x ^= x >>> 27;
        x *= 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }
}
