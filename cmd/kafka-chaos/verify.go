package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/kafka-chaos/kafka-chaos/reports"
)

// errVerdictsDiffer makes verify exit non-zero after it listed every
// difference.
var errVerdictsDiffer = errors.New("verdicts recomputed from the histories differ from results.json")

// verifyCmd recomputes every verdict of a run from its stored histories.
func verifyCmd(args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: kafka-chaos verify <run-dir>")
	}
	dir, err := runDir(args[0])
	if err != nil {
		return err
	}
	r, err := reports.Read(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	checked, mismatches, err := reports.Reverify(dir, r)
	if err != nil {
		return err
	}
	for _, m := range mismatches {
		fmt.Fprintln(out, m)
	}
	fmt.Fprintf(out, "%s: %d verdicts recomputed from histories, %d differ\n", r.RunID, checked, len(mismatches))
	if len(mismatches) > 0 {
		return errVerdictsDiffer
	}
	return nil
}
