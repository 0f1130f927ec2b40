// Package verify judges what a run did against what its profiles promise.
// It is pure logic over ledgers (what producers attempted and learned) and
// audit records (what an independent reader found in the log, read by
// package audit): histories in, verdicts (package schema) out. No Kafka, no
// clock, no randomness, so a stored run can be verified again later.
package verify
