// Package reports writes results.json (package schema), the versioned
// source of truth of a run, under reports/runs/<run-id>/, and renders,
// compares, merges and re-verifies stored runs.
package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Dir returns the directory of a run under root (reports/runs).
func Dir(root, runID string) string { return filepath.Join(root, runID) }

// Write stores the run as results.json in its directory (atomically, so a
// reader never sees half a file) and points root/latest at it.
func Write(root string, r *schema.Run) (string, error) {
	path, err := WriteDir(Dir(root, r.RunID), r)
	if err != nil {
		return "", err
	}
	latest := filepath.Join(root, "latest")
	_ = os.Remove(latest)
	if err := os.Symlink(r.RunID, latest); err != nil {
		return "", fmt.Errorf("link latest run: %w", err)
	}
	return path, nil
}

// WriteDir stores the run as dir/results.json, atomically, without touching
// any "latest" link: merged runs may land outside reports/runs.
func WriteDir(dir string, r *schema.Run) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create run dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode results: %w", err)
	}
	path := filepath.Join(dir, "results.json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return "", fmt.Errorf("write results: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("write results: %w", err)
	}
	return path, nil
}

// Read loads a results.json and checks its schema version.
func Read(path string) (*schema.Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var r schema.Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if r.SchemaVersion != schema.SchemaVersion {
		return nil, fmt.Errorf("%s: schema_version %d, this build reads %d", path, r.SchemaVersion, schema.SchemaVersion)
	}
	return &r, nil
}
