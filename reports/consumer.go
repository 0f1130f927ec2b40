package reports

import (
	"errors"
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// AppResult is set on the profile of a producer application that ran as
// worker processes (ClientProfile): Profile holds its producer settings,
// Verdict what the broker and the application saw; this adds what the
// application did around the producer and how it ran.
type AppResult struct {
	// Behaviour is the application's result handling, exit, linger and
	// messages per process.
	Behaviour map[string]string `json:"behaviour"`
	// Processes counts the worker processes the application ran as.
	Processes int `json:"processes"`
	// Resends counts failures the application answered by sending the
	// message again.
	Resends int `json:"resends"`
	// Undelivered counts messages the application attempted that are not
	// in the log, whatever it believed: dropped after a logged error (P2),
	// believed sent (P1, P3), or lost after an acknowledgement.
	Undelivered int `json:"undelivered"`
	// MustDeliver is set when the scenario holds the application to
	// delivering everything it attempted.
	MustDeliver bool `json:"must_deliver,omitempty"`
	// LedgerDir holds every process's ledger, spec and log.
	LedgerDir string `json:"ledger_dir"`
}

// ErrUndelivered is wrapped by AppResult.Err.
var ErrUndelivered = errors.New("every attempted message delivered")

// Err reports an application held to MustDeliver that left messages out.
func (a *AppResult) Err() error {
	if a == nil || !a.MustDeliver || a.Undelivered == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d not delivered", ErrUndelivered, a.Undelivered)
}

// MemberRecord is one member process of a consumer group.
type MemberRecord struct {
	Name string `json:"name"`
	// StartedAt and ExitedAt are seconds from the scenario start; ExitedAt
	// is 0 for a member still running when the run stopped it.
	StartedAt float64 `json:"started_at"`
	ExitedAt  float64 `json:"exited_at,omitempty"`
	// Signals the harness sent it, in order (a fault's SIGKILL, SIGSTOP,
	// SIGCONT, and the SIGTERM that ends every run).
	Signals []string `json:"signals,omitempty"`
}

// ConsumerResult is set on the profile of a consumer-group application.
// The profile's Verdict is then that of the producer that fed the input
// topic (the input side, held to losing nothing); this is the consumer
// side: processed, dead-lettered, never processed, duplicate effects,
// retries.
type ConsumerResult struct {
	Consumer        workload.ConsumerProfile `json:"consumer"`
	Group           string                   `json:"group"`
	DeadLetterTopic string                   `json:"dead_letter_topic,omitempty"`
	// ClientConfig is every group setting the members ran with.
	ClientConfig map[string]string `json:"client_config"`
	// Failures is the processing-failure injection every member applied.
	Failures workload.Failures     `json:"failures"`
	Verdict  verify.ConsumerResult `json:"verdict"`
	Members  []MemberRecord        `json:"members"`
	// LedgerDir holds the effect store, every member's ledger, spec and
	// log.
	LedgerDir string `json:"ledger_dir"`
}

// ClientErr reports what the client side of a profile broke: a consumer
// guarantee, or delivery by an application that must deliver.
func (p ProfileResult) ClientErr() error {
	var errs []error
	if p.Consumer != nil {
		errs = append(errs, p.Consumer.Verdict.Err())
	}
	return errors.Join(append(errs, p.App.Err())...)
}
