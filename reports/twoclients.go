package reports

import (
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ClientPair is one scenario's verdicts of a sarama profile and a Java
// profile with the same delivery settings (acks, idempotence, and the
// topic's replication, min.insync.replicas, unclean election and fsync
// policy): the
// same configuration on the two clients, under the identical fault.
type ClientPair struct {
	Scenario string
	Settings string
	Sarama   ClientSide
	Java     ClientSide
	// Disagree is set when one client lost acknowledged data, or broke an
	// expected guarantee, and the other did not.
	Disagree bool
}

// ClientSide is one client's verdict in a pair.
type ClientSide struct {
	Profile string
	Lost    int
	Exposed int
	Status  schema.Status
	Broken  bool
	// Proves is false when the verdict proves nothing: an invalid
	// scenario, or a profile the fault did not exercise.
	Proves bool
}

func (c ClientSide) lost() bool { return c.Lost > 0 || c.Broken }

// deliverySettings is what must be equal for two profiles to be the same
// configuration on two clients.
func deliverySettings(p schema.Profile) string {
	s := fmt.Sprintf("acks=%s, %s, RF %d, min.insync.replicas=%d", p.Acks, map[bool]string{true: "idempotent", false: "not idempotent"}[p.Idempotent], p.ReplicationFactor, p.MinInsyncReplicas)
	if p.UncleanElection {
		s += ", unclean election"
	}
	if p.FlushMessages > 0 || p.FlushMs > 0 {
		s += fmt.Sprintf(", fsync every %d messages or %d ms", p.FlushMessages, p.FlushMs)
	}
	return s
}

// ClientPairs pairs, scenario by scenario, every Java producer profile with
// every sarama producer profile of the same delivery settings.
func ClientPairs(r *schema.Run) []ClientPair {
	var out []ClientPair
	for _, s := range r.Scenarios {
		for _, j := range s.Profiles {
			if !isProducer(j) || j.Profile.Client != schema.JavaClient {
				continue
			}
			for _, sa := range s.Profiles {
				if !isProducer(sa) || sa.Profile.Client != "" || deliverySettings(sa.Profile) != deliverySettings(j.Profile) {
					continue
				}
				p := ClientPair{Scenario: s.Name, Settings: deliverySettings(j.Profile), Sarama: side(s, sa), Java: side(s, j)}
				p.Disagree = p.Sarama.Proves && p.Java.Proves && p.Sarama.lost() != p.Java.lost()
				out = append(out, p)
			}
		}
	}
	return out
}

func side(s schema.Scenario, p schema.ProfileResult) ClientSide {
	st, _ := judged(p)
	c := ClientSide{Profile: p.Profile.Name, Lost: p.Verdict.Counts.Lost, Status: st, Broken: len(breaches(p)) > 0, Proves: proves(s, st)}
	if e := p.Verdict.Exposure; e != nil {
		c.Exposed = e.Exposed
	}
	return c
}

// Sentence says where the two clients disagree, e.g. "acks=1 lost 455 on
// sarama (acks1-async) and 0 on Java (java-acks1) under leader-kill".
func (p ClientPair) Sentence() string {
	return fmt.Sprintf("%s lost %d on sarama (%s) and %d on Java (%s) under %s", p.Settings, p.Sarama.Lost, p.Sarama.Profile, p.Java.Lost, p.Java.Profile, p.Scenario)
}
