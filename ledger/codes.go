package ledger

// RejectedBeforeAppend reports whether a broker answers with the Kafka
// error (named as the protocol names it) only when it did not append the
// batch. NOT_LEADER_OR_FOLLOWER is not among them: it also ends an acks=all
// wait when leadership moves after the append, and KAFKA_STORAGE_ERROR may
// follow a write that reached the page cache. A send is failed (never
// appended) only if such a refusal answered its one and only attempt.
func RejectedBeforeAppend(code string) bool {
	switch code {
	case "NOT_ENOUGH_REPLICAS", "LEADER_NOT_AVAILABLE", "UNKNOWN_TOPIC_OR_PARTITION",
		"MESSAGE_TOO_LARGE", "CORRUPT_MESSAGE", "TOPIC_AUTHORIZATION_FAILED":
		return true
	}
	return false
}
