package javaclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// StoredEffect is one line of the kafka-chaos Java application's effect
// store: an outcome ("effect" or "dead-letter") of the record at
// Partition/Offset, recorded by Member at TS, milliseconds since the
// epoch on the client's clock.
type StoredEffect struct {
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Partition int32  `json:"p"`
	Offset    int64  `json:"o"`
	Member    string `json:"m"`
	Kind      string `json:"k"`
	TS        int64  `json:"ts"`
}

// ParseStore reads an effect store. Every writer appends a whole line
// holding the store's lock, so a line that does not parse is corruption,
// reported with its number.
func ParseStore(b []byte) ([]StoredEffect, error) {
	var out []StoredEffect
	for n, line := range bytes.Split(b, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e StoredEffect
		if err := json.Unmarshal(line, &e); err != nil {
			return out, fmt.Errorf("effect store line %d: %w: %.120s", n+1, err, line)
		}
		if e.ID == "" || e.Kind == "" {
			return out, fmt.Errorf("effect store line %d: no id or kind: %.120s", n+1, line)
		}
		out = append(out, e)
	}
	return out, nil
}

// Effects returns the application's effect store: as the members left it
// once the group is stopped, before that as the newest member sees it now.
// A verifiable consumer group has none.
func (g *ConsumerGroup) Effects(ctx context.Context) ([]StoredEffect, error) {
	ms := g.Members()
	if !g.p.Profile.Java.RunsApp() || len(ms) == 0 {
		return nil, nil
	}
	b := g.Store()
	if b == nil {
		var err error
		if b, err = ms[len(ms)-1].proc.ReadFile(ctx, effectsPath); err != nil {
			return nil, err
		}
	}
	return ParseStore(b)
}
