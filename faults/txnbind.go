package faults

// TxnFault is a fault that acts on the scenario's transactions; the runner
// binds their transactional ids before Prepare.
type TxnFault interface {
	Fault
	BindTransactions(ids []string)
}
