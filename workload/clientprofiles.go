package workload

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

// Producer applications compared by the client scenarios. acks=all
// everywhere except where noted, so that every loss they show is the
// application's own and not the broker's.
var (
	// FireAndForgetExit: P1. A batch job that sends asynchronously, never
	// reads a result and exits right after its last send.
	FireAndForgetExit = ClientProfile{
		Profile: schema.Profile{
			Name: "fire-and-forget-exit", Description: "P1: async send, results never read, process exits right after the last send without Close",
			ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, RetryMax: 3,
			RetryBackoff: 100 * time.Millisecond, MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
		},
		Results: Ignored, Exit: NoClose, Linger: 100 * time.Millisecond, PerProcess: batchJob,
	}
	// NoRetries: P2. Retry.Max=0: a send that meets a leader election or
	// a network blip fails at once; the application logs it and drops it.
	NoRetries = ClientProfile{
		Profile: schema.Profile{
			Name: "no-retries", Description: "P2: Retry.Max=0, every result read, failures logged and dropped",
			ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, RetryMax: 0,
			RetryBackoff: 100 * time.Millisecond, MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
		},
		Results: Checked, Exit: CloseAndDrain,
	}
	// ErrorsIgnored: P3. sarama's default retries (3 x 100 ms), which a
	// leader election outlasts; the application never looks at the error
	// and believes every send.
	ErrorsIgnored = ClientProfile{
		Profile: schema.Profile{
			Name: "errors-ignored", Description: "P3: default retries (3 x 100ms), errors never read: the application believes every send",
			ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, RetryMax: 3,
			RetryBackoff: 100 * time.Millisecond, MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
		},
		Results: Ignored, Exit: CloseAndDrain,
	}
	// SafeClient: every fix at once. Every result checked, and a failure
	// sent again; retries with backoff that outlast a leader election
	// (50 x 200 ms); idempotence; acks=all with min.insync.replicas=2; and
	// before each process exits, a wait for every result, then Close. It
	// runs as the same repeated batch job as FireAndForgetExit, with the
	// same linger, so the exit fix is shown too. Checking alone is not
	// enough with sarama: its idempotent path gives a batch up when the
	// new leader is not known yet, and Close fails what it is retrying.
	SafeClient = ClientProfile{
		Profile: schema.Profile{
			Name: "safe-client", Description: "every result checked and failures re-sent, 50 retries x 200ms backoff, idempotent, acks=all, every result awaited before Close",
			ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, Idempotent: true, RetryMax: 50,
			RetryBackoff: 200 * time.Millisecond, MaxOpenRequests: 1, AckTimeout: 10 * time.Second,
		},
		Results: Checked, Resend: true, Exit: CloseAndDrain, Linger: 100 * time.Millisecond, PerProcess: batchJob,
	}
)

// batchJob is how many messages one process of a batch-job application
// sends: 10 s at the client scenario's 150 msg/s, so the leader kill lands
// while a process is sending, not while it drains the previous batch (a
// process that drains sends nothing new, and the fault would touch too few
// of the safe client's messages to judge), and each run still sees the
// process exit twice.
const batchJob = 1500

// ClientProfiles are the producer applications of the client scenarios.
var ClientProfiles = []ClientProfile{FireAndForgetExit, NoRetries, ErrorsIgnored, SafeClient}

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

// apply sets the application's producer settings on a base config.
func (c ClientProfile) apply(cfg *sarama.Config) {
	applyProfile(c.Profile, cfg)
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
