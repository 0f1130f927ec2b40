package producer

import (
	"slices"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TestCompressionsAreSaramas: the names Profile.Validate accepts
// (schema.Compressions) are those of sarama's codecs, each mapped to its
// own codec.
func TestCompressionsAreSaramas(t *testing.T) {
	var names []schema.Compression
	for cc := sarama.CompressionNone; cc <= sarama.CompressionZSTD; cc++ {
		names = append(names, schema.Compression(cc.String()))
	}
	if !slices.Equal(names, schema.Compressions) {
		t.Errorf("schema.Compressions = %v, sarama's codecs are %v", schema.Compressions, names)
	}
	for _, c := range schema.Compressions {
		var cc sarama.CompressionCodec
		if err := cc.UnmarshalText([]byte(c)); err != nil || codec(c) != cc {
			t.Errorf("compression %q: codec %v, sarama reads %v (%v)", c, codec(c), cc, err)
		}
	}
	if codec("") != sarama.CompressionNone {
		t.Errorf("no compression named: codec %v, want none", codec(""))
	}
}
