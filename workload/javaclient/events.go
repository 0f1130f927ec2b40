package javaclient

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Event names the verifiable producer prints, one JSON object per line.
const (
	StartupComplete  = "startup_complete"
	SendSuccess      = "producer_send_success"
	SendError        = "producer_send_error"
	ShutdownComplete = "shutdown_complete"
	ToolData         = "tool_data"
)

// Event is one line of the verifiable producer's output. Timestamp is
// milliseconds since the epoch on the client's clock, taken when the line
// was printed (for a send, when its result came back).
type Event struct {
	Timestamp int64  `json:"timestamp"`
	Name      string `json:"name"`
	Value     string `json:"value,omitempty"`
	Topic     string `json:"topic,omitempty"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	// Exception is the class of a failed send's exception as Java prints
	// it ("class org.apache.kafka.common.errors.TimeoutException").
	Exception string `json:"exception,omitempty"`
	Message   string `json:"message,omitempty"`
	// Sent and Acked are the tool's own totals (tool_data, printed by its
	// shutdown hook: absent after a SIGKILL).
	Sent  int64 `json:"sent"`
	Acked int64 `json:"acked"`
	// Seq, Txn, Intent, Status and Error are the kafka-chaos Java
	// application's transactional producer's (TxnEvents): the message's
	// sequence number and transaction, a transaction's intent, and how it
	// ended.
	Seq    int64  `json:"seq"`
	Txn    int64  `json:"txn"`
	Intent string `json:"intent,omitempty"`
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Output is everything a verifiable producer printed.
type Output struct {
	Events []Event
	// Other are the lines that are not events (log lines, warnings), kept
	// for the run's log.
	Other []string
}

// ParseOutput reads a verifiable producer's stdout. A line that starts
// with '{' but is not a valid event is an error: the ledger would miss a
// result.
func ParseOutput(r io.Reader) (Output, error) {
	evs, other, err := parseLines(r, "verifiable producer", func(e Event) string { return e.Name })
	return Output{Events: evs, Other: other}, err
}

// parseLines reads a verifiable tool's stdout: one JSON event per line
// (name gives its name, which every event has), and other lines kept as
// they are.
func parseLines[T any](r io.Reader, tool string, name func(T) string) (events []T, other []string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			other = append(other, string(line))
			continue
		}
		var e T
		if err := json.Unmarshal(line, &e); err != nil {
			return events, other, fmt.Errorf("%s output line %d: %w: %.120s", tool, n, err, line)
		}
		if name(e) == "" {
			return events, other, fmt.Errorf("%s output line %d: an object without a name: %.120s", tool, n, line)
		}
		events = append(events, e)
	}
	return events, other, sc.Err()
}

// ParseValue splits a verifiable producer value, "<prefix>.<n>" (the
// process's --value-prefix, then the n-th message it sent from 0).
func ParseValue(v string) (prefix, n int64, err error) {
	p, rest, ok := strings.Cut(v, ".")
	if !ok {
		return 0, 0, fmt.Errorf("value %.40q: want <prefix>.<n>", v)
	}
	if prefix, err = strconv.ParseInt(p, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("value %.40q: bad prefix: %w", v, err)
	}
	if n, err = strconv.ParseInt(rest, 10, 64); err != nil || n < 0 {
		return 0, 0, fmt.Errorf("value %.40q: bad message number", v)
	}
	return prefix, n, nil
}

// exceptionCodes name, as the protocol does, the Kafka error behind the
// exception a failed send reports. Exceptions the client raises itself
// (TimeoutException when delivery.timeout.ms runs out, DisconnectException)
// carry no broker answer and map to "".
var exceptionCodes = map[string]string{
	"NotEnoughReplicasException":            "NOT_ENOUGH_REPLICAS",
	"NotEnoughReplicasAfterAppendException": "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
	"NotLeaderOrFollowerException":          "NOT_LEADER_OR_FOLLOWER",
	"LeaderNotAvailableException":           "LEADER_NOT_AVAILABLE",
	"UnknownTopicOrPartitionException":      "UNKNOWN_TOPIC_OR_PARTITION",
	"KafkaStorageException":                 "KAFKA_STORAGE_ERROR",
	"RecordTooLargeException":               "MESSAGE_TOO_LARGE",
	"CorruptRecordException":                "CORRUPT_MESSAGE",
	"TopicAuthorizationException":           "TOPIC_AUTHORIZATION_FAILED",
	"OutOfOrderSequenceException":           "OUT_OF_ORDER_SEQUENCE_NUMBER",
	"NetworkException":                      "NETWORK_EXCEPTION",
}

// ErrorCode names the Kafka error behind a Java exception class.
func ErrorCode(exception string) string {
	name := exception[strings.LastIndexAny(exception, ". ")+1:]
	return exceptionCodes[name]
}
