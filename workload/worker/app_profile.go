package worker

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Results is what a producer application does with the outcome of a send.
type Results string

const (
	// Checked: the application reads every result; it believes a message
	// sent only once the broker acknowledged it, and logs a failure.
	Checked Results = "checked"
	// Ignored: the application never looks at a result, so it believes
	// every send it made (P1, P3). The harness still reads the results to
	// learn what the broker really acknowledged; the application's belief
	// does not depend on them.
	Ignored Results = "ignored"
)

// Exit is how a producer application ends.
type Exit string

const (
	// CloseAndDrain: AsyncClose, then read results until both channels
	// close: every buffered message leaves the process before it exits.
	CloseAndDrain Exit = "close"
	// NoClose: the process returns from main right after its last send,
	// without Close (P1). Whatever sarama still buffers never leaves.
	NoClose Exit = "no-close"
)

// ClientProfile is a producer application: the producer settings under
// review (Profile) plus what the application does around them. It runs as a
// worker process of its own, so that exiting is a real process exit.
type ClientProfile struct {
	schema.Profile
	Results Results `json:"results"`
	// Resend: a checked failure is answered by sending the message again
	// (after RetryBackoff) until it is acknowledged, and the process waits
	// for every result before it closes the producer.
	Resend bool `json:"resend"`
	Exit   Exit `json:"exit"`
	// Linger is sarama's Flush.Frequency (linger.ms): how long a batch
	// may wait in the process before it is sent.
	Linger time.Duration `json:"linger_ns"`
	// PerProcess is how many messages one process sends before it exits
	// and the next process takes over (a batch job run over and over);
	// 0 runs one process for the whole scenario.
	PerProcess int `json:"messages_per_process"`
}

// Validate rejects an application sarama could not run or the harness
// could not judge.
func (c ClientProfile) Validate() error {
	if err := c.Profile.Validate(); err != nil {
		return err
	}
	if c.Mode != schema.Async {
		return fmt.Errorf("profile %s: applications run the async producer, not %q", c.Name, c.Mode)
	}
	switch c.Results {
	case Checked, Ignored:
	default:
		return fmt.Errorf("profile %s: results %q: use checked or ignored", c.Name, c.Results)
	}
	switch c.Exit {
	case CloseAndDrain, NoClose:
	default:
		return fmt.Errorf("profile %s: exit %q: use close or no-close", c.Name, c.Exit)
	}
	if c.Resend && (c.Results != Checked || c.Exit != CloseAndDrain) {
		return fmt.Errorf("profile %s: re-sending needs checked results and a closing exit", c.Name)
	}
	if c.Linger < 0 || c.PerProcess < 0 {
		return fmt.Errorf("profile %s: linger and messages_per_process must not be negative", c.Name)
	}
	return nil
}

// apply sets the application's own producer settings over the profile's.
func (c ClientProfile) apply(cfg *sarama.Config) {
	cfg.Producer.Flush.Frequency = c.Linger
}

// Behaviour returns the application-level settings for the result.
func (c ClientProfile) Behaviour() map[string]string {
	return map[string]string{
		"app.results":              string(c.Results),
		"app.resend":               fmt.Sprint(c.Resend),
		"app.exit":                 string(c.Exit),
		"app.linger":               c.Linger.String(),
		"app.messages_per_process": fmt.Sprint(c.PerProcess),
	}
}
