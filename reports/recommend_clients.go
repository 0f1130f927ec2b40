package reports

import "github.com/kafka-chaos/kafka-chaos/schema"

// ConsumerSummary is one consumer-group profile across a run. Its loss is
// what was never processed, not what the input producer lost.
type ConsumerSummary struct {
	Name string
	// Scenarios counts those the group ran in; Proven those among them
	// that were valid and whose consumer verdict is not unknown.
	Scenarios        int
	Proven           int
	NeverProcessed   int
	DuplicateEffects int
	DeadLettered     int
}

// Clean reports a group that processed or dead-lettered every message
// exactly once in every scenario it ran in, and proved it somewhere.
func (c ConsumerSummary) Clean() bool {
	return c.NeverProcessed == 0 && c.DuplicateEffects == 0 && c.Proven > 0
}

// AppSummary is one producer application across a run.
type AppSummary struct {
	Name         string
	Scenarios    int
	Proven       int
	Undelivered  int
	BelievedLost int
	Duplicates   int
}

// DeliveredAll reports an application that left nothing it attempted out
// of the log in every scenario it ran in, and proved it somewhere.
func (a AppSummary) DeliveredAll() bool { return a.Undelivered == 0 && a.Proven > 0 }

func consumerSummaries(r *schema.Run) []ConsumerSummary {
	return summarise(r, func(p schema.ProfileResult) bool { return p.Consumer != nil },
		func(name string) ConsumerSummary { return ConsumerSummary{Name: name} },
		func(cs *ConsumerSummary, s schema.Scenario, p schema.ProfileResult) {
			v := p.Consumer.Verdict
			cs.Scenarios++
			if proves(s, v.Status) {
				cs.Proven++
			}
			cs.NeverProcessed += v.Counts.NeverProcessed
			cs.DuplicateEffects += v.Counts.DuplicateEffects
			cs.DeadLettered += v.Counts.DeadLettered
		})
}

func appSummaries(r *schema.Run) []AppSummary {
	return summarise(r, func(p schema.ProfileResult) bool { return p.App != nil },
		func(name string) AppSummary { return AppSummary{Name: name} },
		func(as *AppSummary, s schema.Scenario, p schema.ProfileResult) {
			as.Scenarios++
			if proves(s, p.Verdict.Status) {
				as.Proven++
			}
			as.Undelivered += p.App.Undelivered
			as.BelievedLost += p.Verdict.Counts.BelievedLost
			as.Duplicates += p.Verdict.Counts.Duplicates
		})
}
