package producer

import (
	"errors"
	"fmt"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// neverRetried are the rejections sarama returns on the first attempt
// whatever Retry.Max says (async_producer.go retries only the others), so
// the error seen is the only attempt's.
var neverRetried = map[sarama.KError]bool{
	sarama.ErrMessageSizeTooLarge:      true,
	sarama.ErrTopicAuthorizationFailed: true,
}

// Classify maps a send error to a ledger status, and names the Kafka error
// when the broker answered with one. Failed means no attempt can have been
// appended. sarama reports only the last error of a message's attempts, so
// a retried message is failed only if the error is one sarama never
// retries; with retries, an earlier attempt may have timed out after the
// leader appended it, and the outcome is unknown.
func Classify(err error, retryMax int) (ledger.Status, string) {
	var kerr sarama.KError
	if !errors.As(err, &kerr) {
		return ledger.Unknown, ""
	}
	code := ErrorCode(kerr)
	if ledger.RejectedBeforeAppend(code) && (retryMax == 0 || neverRetried[kerr]) {
		return ledger.Failed, code
	}
	return ledger.Unknown, code
}

// errorCodes are the protocol names of the errors a fault makes brokers
// answer with; others are named by number.
var errorCodes = map[sarama.KError]string{
	sarama.ErrNotEnoughReplicas:            "NOT_ENOUGH_REPLICAS",
	sarama.ErrNotEnoughReplicasAfterAppend: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
	sarama.ErrNotLeaderForPartition:        "NOT_LEADER_OR_FOLLOWER",
	sarama.ErrLeaderNotAvailable:           "LEADER_NOT_AVAILABLE",
	sarama.ErrUnknownTopicOrPartition:      "UNKNOWN_TOPIC_OR_PARTITION",
	sarama.ErrRequestTimedOut:              "REQUEST_TIMED_OUT",
	sarama.ErrKafkaStorageError:            "KAFKA_STORAGE_ERROR",
	sarama.ErrMessageSizeTooLarge:          "MESSAGE_TOO_LARGE",
	sarama.ErrInvalidMessage:               "CORRUPT_MESSAGE",
	sarama.ErrTopicAuthorizationFailed:     "TOPIC_AUTHORIZATION_FAILED",
	sarama.ErrOutOfOrderSequenceNumber:     "OUT_OF_ORDER_SEQUENCE_NUMBER",
	// What a transactional producer meets when its coordinator moved or
	// aborted its transaction.
	sarama.ErrInvalidProducerEpoch:         "INVALID_PRODUCER_EPOCH",
	sarama.ErrProducerFenced:               "PRODUCER_FENCED",
	sarama.ErrConcurrentTransactions:       "CONCURRENT_TRANSACTIONS",
	sarama.ErrInvalidTxnState:              "INVALID_TXN_STATE",
	sarama.ErrTransactionCoordinatorFenced: "TRANSACTION_COORDINATOR_FENCED",
}

// ErrorCode names a Kafka error as the protocol does.
func ErrorCode(kerr sarama.KError) string {
	if name, ok := errorCodes[kerr]; ok {
		return name
	}
	return fmt.Sprintf("ERROR_%d", int16(kerr))
}
