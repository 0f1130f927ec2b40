package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// reportUsage documents the commands of this file; main's usage includes it.
const reportUsage = `  report <dir>   render report.md, report.html, junit.xml and charts/
                 from <dir>/results.json
  compare <old-dir> <new-dir>
                 print what changed between two runs; exit 1 when a
                 profile started breaking a guarantee its scenario
                 expects (losing data or any other)
  merge -o <dir> <run-dir>...
                 merge shards' results.json into <dir>, then render it
`

// reportCommands are dispatched by main.
var reportCommands = map[string]func(args []string) error{
	"report":  func(args []string) error { return reportCmd(args, os.Stdout) },
	"compare": func(args []string) error { return compareCmd(args, os.Stdout) },
	"merge":   func(args []string) error { return mergeCmd(args, os.Stdout) },
}

func reportCmd(args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: kafka-chaos report <run-dir>")
	}
	dir, err := runDir(args[0])
	if err != nil {
		return err
	}
	if err := reports.RenderDir(dir); err != nil {
		return err
	}
	fmt.Fprintf(out, "report: %s\n", filepath.Join(dir, reports.HTMLFile))
	return nil
}

// historiesDir is where a run keeps its profiles' histories.
const historiesDir = "histories"

// errRegression makes compare exit non-zero after it printed everything.
var errRegression = errors.New("a profile started breaking a guarantee its scenario expects")

func compareCmd(args []string, out io.Writer) error {
	if len(args) != 2 {
		return errors.New("usage: kafka-chaos compare <old-run-dir> <new-run-dir>")
	}
	var runs [2]*schema.Run
	for i, a := range args {
		r, err := readRun(a)
		if err != nil {
			return err
		}
		runs[i] = r
	}
	changes := reports.Compare(runs[0], runs[1])
	fmt.Fprintf(out, "%s -> %s: %d change(s)\n", runs[0].RunID, runs[1].RunID, len(changes))
	for _, c := range changes {
		fmt.Fprintln(out, c)
	}
	if reports.Regressed(changes) {
		return errRegression
	}
	return nil
}

func mergeCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	dst := fs.String("o", "", "directory of the merged run (its name becomes the run id)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dst == "" || fs.NArg() == 0 {
		return errors.New("usage: kafka-chaos merge -o <dir> <run-dir>...")
	}
	var shards []*schema.Run
	for _, a := range fs.Args() {
		r, err := readRun(a)
		if err != nil {
			return err
		}
		shards = append(shards, r)
	}
	merged, err := reports.Merge(filepath.Base(filepath.Clean(*dst)), shards...)
	if err != nil {
		return err
	}
	// Histories are named by scenario, which Merge keeps unique, so the
	// shards' trees join without a clash and verify works on the merge.
	for _, a := range fs.Args() {
		dir, err := runDir(a)
		if err != nil {
			return err
		}
		src := filepath.Join(dir, historiesDir)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.CopyFS(filepath.Join(*dst, historiesDir), os.DirFS(src)); err != nil {
			return fmt.Errorf("merge histories of %s: %w", a, err)
		}
	}
	path, err := reports.WriteDir(*dst, merged)
	if err != nil {
		return err
	}
	if err := reports.Render(*dst, merged); err != nil {
		return err
	}
	fmt.Fprintf(out, "merged %d runs, %d scenarios: %s\n", len(shards), len(merged.Scenarios), path)
	return nil
}

// runDir accepts a run directory or its results.json, so shell globs over
// either work.
func runDir(arg string) (string, error) {
	fi, err := os.Stat(arg)
	if err != nil {
		return "", fmt.Errorf("open run: %w", err)
	}
	if fi.IsDir() {
		return arg, nil
	}
	return filepath.Dir(arg), nil
}

func readRun(arg string) (*schema.Run, error) {
	dir, err := runDir(arg)
	if err != nil {
		return nil, err
	}
	return reports.Read(filepath.Join(dir, "results.json"))
}
