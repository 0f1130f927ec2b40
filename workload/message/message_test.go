package message

import "testing"

func TestParseRoundTrip(t *testing.T) {
	id := ID("acks1-async", 42)
	gotID, seq, err := Parse([]byte(id + "|xxxxxxxx"))
	if err != nil || gotID != id || seq != 42 {
		t.Fatalf("Parse = %q, %d, %v; want %q, 42, nil", gotID, seq, err, id)
	}
}

func TestParseRejectsForeignValues(t *testing.T) {
	for _, v := range []string{"", "no-id-here|x", "plain", "p-12x|"} {
		if _, _, err := Parse([]byte(v)); err == nil {
			t.Errorf("Parse(%q) accepted a value without a message id", v)
		}
	}
}
