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
	if t := p.Transactions; t != nil {
		s += fmt.Sprintf(", transactions of %d, %g aborted, timeout %s", t.Size, t.AbortRatio, t.Timeout)
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

// ConsumerPair is one scenario's verdicts of a sarama consumer group and a
// Java consumer group that process alike, under the same fault: both
// process every record before its offset is committed and never give one
// up (at-least-once), or both run the same application settings (commit,
// retries, dead letter, dedupe) on the two clients.
type ConsumerPair struct {
	Scenario string
	// Kind is what the two have in common: "at-least-once", or "the same
	// retries, dead letter and dedupe".
	Kind   string
	Sarama ConsumerSide
	Java   ConsumerSide
	// Disagree is set when one group failed to process data, or broke an
	// expected guarantee, and the other did not.
	Disagree bool
}

// ConsumerSide is one client's consumer verdict in a pair.
type ConsumerSide struct {
	Profile        string
	Settings       string
	NeverProcessed int
	Duplicates     int
	Exposed        int
	Status         schema.Status
	Broken         bool
	Proves         bool
}

func (c ConsumerSide) lost() bool { return c.NeverProcessed > 0 || c.Broken }

// atLeastOnce: a sarama application processes a record before its offset
// can be committed, and retries it until it succeeds: after-processing and
// unbounded retries, without dedupe.
func atLeastOnce(c schema.ConsumerProfile) bool {
	return c.Commit == schema.AfterProcessing && c.Retry.MaxAttempts == 0 && !c.Dedupe
}

// Kinds of consumer pair.
const (
	pairAtLeastOnce = "at-least-once"
	pairSameApp     = "the same retries, dead letter and dedupe"
)

// pairKind says what Java group j and sarama group sa have in common, ""
// when they are no pair. Kafka's verifiable consumer never fails a record,
// so it is at least once, and pairs with the sarama groups that are; the
// kafka-chaos Java application pairs with the sarama groups that process
// as it does.
func pairKind(j, sa schema.ConsumerProfile) string {
	switch {
	case !j.Java.RunsApp() && atLeastOnce(sa):
		return pairAtLeastOnce
	case j.Java.RunsApp() && j.Commit == sa.Commit && j.Retry == sa.Retry && j.DeadLetter == sa.DeadLetter && j.Dedupe == sa.Dedupe:
		return pairSameApp
	}
	return ""
}

// ConsumerPairs pairs, scenario by scenario, every Java consumer group
// with every sarama group that processes alike (pairKind).
func ConsumerPairs(r *schema.Run) []ConsumerPair {
	var out []ConsumerPair
	for _, s := range r.Scenarios {
		for _, j := range s.Profiles {
			if j.Consumer == nil || j.Consumer.Consumer.Client != schema.JavaClient {
				continue
			}
			for _, sa := range s.Profiles {
				if sa.Consumer == nil || sa.Consumer.Consumer.Client != "" {
					continue
				}
				kind := pairKind(j.Consumer.Consumer, sa.Consumer.Consumer)
				if kind == "" {
					continue
				}
				p := ConsumerPair{Scenario: s.Name, Kind: kind, Sarama: consumerSide(s, sa), Java: consumerSide(s, j)}
				p.Disagree = p.Sarama.Proves && p.Java.Proves && p.Sarama.lost() != p.Java.lost()
				out = append(out, p)
			}
		}
	}
	return out
}

func consumerSide(s schema.Scenario, p schema.ProfileResult) ConsumerSide {
	v := p.Consumer.Verdict
	st, _ := judged(p)
	c := ConsumerSide{
		Profile: p.Consumer.Consumer.Name, Settings: consumerSettings(p.Consumer.Consumer),
		NeverProcessed: v.Counts.NeverProcessed, Duplicates: v.Counts.DuplicateEffects,
		Status: st, Broken: len(breaches(p)) > 0, Proves: proves(s, st),
	}
	if v.Exposure != nil {
		c.Exposed = v.Exposure.Exposed
	}
	return c
}

// Sentence says where the two consumers disagree, e.g. "at-least-once
// consumers under consumer-member-crash: 0 never processed on sarama
// (commit-after) and 12 on Java (java-commit-after)".
func (p ConsumerPair) Sentence() string {
	if p.Kind == pairSameApp {
		return fmt.Sprintf("consumers with %s under %s: %d never processed and %d duplicate effects on sarama (%s), %d and %d on Java (%s)",
			p.Kind, p.Scenario, p.Sarama.NeverProcessed, p.Sarama.Duplicates, p.Sarama.Profile, p.Java.NeverProcessed, p.Java.Duplicates, p.Java.Profile)
	}
	return fmt.Sprintf("%s consumers under %s: %d never processed on sarama (%s) and %d on Java (%s)",
		p.Kind, p.Scenario, p.Sarama.NeverProcessed, p.Sarama.Profile, p.Java.NeverProcessed, p.Java.Profile)
}
