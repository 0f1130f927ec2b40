package javaclient

import (
	"errors"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestPropertiesRestoreTheClientsRetries(t *testing.T) {
	p := Settings{Acks: "all"}.Properties("c")
	if p["retries"] != "2147483647" || p["acks"] != "all" || p["client.id"] != "c" || len(p) != 3 {
		t.Errorf("defaults: %v, want only client.id, acks and retries=2147483647", p)
	}
	p = Settings{Acks: "1", Retries: ptr(0), Linger: ptr(time.Duration(0)), DeliveryTimeout: 30 * time.Second, MaxInFlight: 1, EnableIdempotence: ptr(false)}.Properties("c")
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

func TestIdempotentByDefaultOnlyWithoutConflicts(t *testing.T) {
	for _, c := range []struct {
		s    Settings
		want bool
	}{
		{Settings{Acks: "all"}, true},
		{Settings{Acks: "1"}, false},
		{Settings{Acks: "all", Retries: ptr(0)}, false},
		{Settings{Acks: "all", MaxInFlight: 6}, false},
		{Settings{Acks: "all", EnableIdempotence: ptr(false)}, false},
	} {
		if got := c.s.Idempotent(); got != c.want {
			t.Errorf("%+v: idempotent %v, want %v", c.s, got, c.want)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for field, s := range map[string]Settings{
		"acks":               {Acks: "2"},
		"enable_idempotence": {Acks: "1", EnableIdempotence: ptr(true)},
		"max_in_flight":      {Acks: "all", MaxInFlight: -1},
		"retries":            {Acks: "all", Retries: ptr(-1)},
		"compression":        {Acks: "all", Compression: "brotli"},
		"delivery_timeout":   {Acks: "all", DeliveryTimeout: 10 * time.Second},
		"linger":             {Acks: "all", Linger: ptr(time.Microsecond)},
	} {
		var se *SettingError
		if err := s.Validate(); !errors.As(err, &se) || se.Field != field {
			t.Errorf("%+v: %v, want an error about %s", s, err, field)
		}
	}
	if err := (Settings{Acks: "all", EnableIdempotence: ptr(true), MaxInFlight: 5, DeliveryTimeout: 40 * time.Second, RequestTimeout: 10 * time.Second}).Validate(); err != nil {
		t.Errorf("valid settings: %v", err)
	}
}
