package schema

import (
	"errors"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestIdempotentByDefaultOnlyWithoutConflicts(t *testing.T) {
	for _, c := range []struct {
		s    JavaProducer
		want bool
	}{
		{JavaProducer{Acks: "all"}, true},
		{JavaProducer{Acks: "1"}, false},
		{JavaProducer{Acks: "all", Retries: ptr(0)}, false},
		{JavaProducer{Acks: "all", MaxInFlight: 6}, false},
		{JavaProducer{Acks: "all", EnableIdempotence: ptr(false)}, false},
	} {
		if got := c.s.Idempotent(); got != c.want {
			t.Errorf("%+v: idempotent %v, want %v", c.s, got, c.want)
		}
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for field, s := range map[string]JavaProducer{
		"acks":               {Acks: "2"},
		"enable_idempotence": {Acks: "1", EnableIdempotence: ptr(true)},
		"max_in_flight":      {Acks: "all", MaxInFlight: -1},
		"retries":            {Acks: "all", Retries: ptr(-1)},
		"compression":        {Acks: "all", Compression: "brotli"},
		"delivery_timeout":   {Acks: "all", DeliveryTimeout: 10 * time.Second},
		"linger":             {Acks: "all", Linger: ptr(time.Microsecond)},
	} {
		var se *JavaSettingError
		if err := s.Validate(); !errors.As(err, &se) || se.Field != field {
			t.Errorf("%+v: %v, want an error about %s", s, err, field)
		}
	}
	if err := (JavaProducer{Acks: "all", EnableIdempotence: ptr(true), MaxInFlight: 5, DeliveryTimeout: 40 * time.Second, RequestTimeout: 10 * time.Second}).Validate(); err != nil {
		t.Errorf("valid settings: %v", err)
	}
}
