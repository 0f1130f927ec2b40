package javaclient

import "testing"

// stderrLog is the start of what a 4.x verifiable producer printed on
// stderr with the harness's client logging config.
const stderrLog = "[2026-12-02 00:20:01,112] INFO ProducerConfig values: \n" +
	"\tacks = -1\n" +
	"\tbatch.size = 16384\n" +
	"\tclient.id = kafka-chaos-java-safe-idempotent\n" +
	"\tenable.idempotence = true\n" +
	"\tinterceptor.classes = []\n" +
	"\tsasl.jaas.config = null\n" +
	"\ttransactional.id = null\n" +
	"\tssl.keystore.type = JKS\n" +
	"\tmetrics.context.prefix =\n" +
	"\tvalue.serializer = class org.apache.kafka.common.serialization.StringSerializer\n" +
	" (org.apache.kafka.common.config.AbstractConfig)\n" +
	"[2026-12-02 00:20:01,500] WARN [Producer clientId=kafka-chaos-java-safe-idempotent] Got error produce response (org.apache.kafka.clients.producer.internals.Sender)\n"

func TestRanWith(t *testing.T) {
	got := RanWith(stderrLog)
	for k, want := range map[string]string{
		"acks": "-1", "enable.idempotence": "true", "batch.size": "16384", "interceptor.classes": "[]", "metrics.context.prefix": "",
		"value.serializer": "class org.apache.kafka.common.serialization.StringSerializer",
	} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("%s = %q (present %v), want %q", k, v, ok, want)
		}
	}
	if len(got) != 10 {
		t.Errorf("%d settings, want 10: %v", len(got), got)
	}
	if RanWith("[date] WARN something (x)\n") != nil {
		t.Error("a log without the configuration gave one")
	}
}
