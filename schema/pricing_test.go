package schema

import (
	"strings"
	"testing"
)

func TestPerfTestArgs(t *testing.T) {
	pt := PerfTest{Bootstrap: "kafka-2:9292", Topic: "t", Records: 1000, WarmupRecords: 200, RecordSize: 256, Keys: 16,
		Props: map[string]string{"linger.ms": "0", "acks": "all"}}
	got := strings.Join(pt.Args(), " ")
	want := "/opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.ProducerPerformance --bootstrap-server kafka-2:9292 --topic t --num-records 1000 --warmup-records 200 --record-size 256" +
		" --throughput -1 --key-distribution range --record-key-range 16 --command-property acks=all linger.ms=0"
	if got != want {
		t.Errorf("args\n %s\nwant\n %s", got, want)
	}
}

// TestOverlaps: ranges that share a value rank nothing.
func TestOverlaps(t *testing.T) {
	cases := []struct {
		a, b Range
		want bool
	}{
		{Range{10, 9, 11}, Range{12, 11, 13}, true},     // touch at 11
		{Range{10, 9, 11}, Range{10.5, 10, 10.6}, true}, // one inside the other
		{Range{10, 9, 11}, Range{13, 12, 14}, false},
		{Range{13, 12, 14}, Range{10, 9, 11}, false},
	}
	for _, c := range cases {
		if got := c.a.Overlaps(c.b); got != c.want {
			t.Errorf("%+v overlaps %+v = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := c.b.Overlaps(c.a); got != c.want {
			t.Errorf("overlap is not symmetric for %+v, %+v", c.a, c.b)
		}
	}
}
