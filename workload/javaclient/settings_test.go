package javaclient

import (
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func ptr[T any](v T) *T { return &v }

func TestPropertiesRestoreTheClientsRetries(t *testing.T) {
	p := Properties(schema.JavaProducer{Acks: "all"}, "c")
	if p["retries"] != "2147483647" || p["acks"] != "all" || p["client.id"] != "c" || len(p) != 3 {
		t.Errorf("defaults: %v, want only client.id, acks and retries=2147483647", p)
	}
	p = Properties(schema.JavaProducer{Acks: "1", Retries: ptr(0), Linger: ptr(time.Duration(0)), DeliveryTimeout: 30 * time.Second, MaxInFlight: 1, EnableIdempotence: ptr(false)}, "c")
	want := map[string]string{"retries": "0", "linger.ms": "0", "delivery.timeout.ms": "30000", "max.in.flight.requests.per.connection": "1", "enable.idempotence": "false"}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s = %q, want %q", k, p[k], v)
		}
	}
	if got := PropertiesFile(map[string]string{"b": "2", "a": "1"}); got != "a=1\nb=2\n" {
		t.Errorf("file %q", got)
	}
}
