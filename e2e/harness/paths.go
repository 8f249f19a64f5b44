package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Environment variables through which `make test` hands the suite the tools it
// built, so the suite itself never builds anything.
const (
	EnvCollector    = "ERRORCATALOG_OTELCOL"
	EnvTelemetrygen = "ERRORCATALOG_TELEMETRYGEN"
)

// Executable returns the absolute path named by the environment variable env,
// or an error that says which make target provides it.
func Executable(env, makeTarget string) (string, error) {
	p := os.Getenv(env)
	if p == "" {
		return "", fmt.Errorf("%s is not set: run `%s` and pass the binary's path in %s (`make test` does both)", env, makeTarget, env)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %w", env, p, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("%s=%q: %w (run `%s`)", env, p, err, makeTarget)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s=%q is not an executable file (run `%s`)", env, p, makeTarget)
	}
	return abs, nil
}

// RepoRoot returns the repository root: the nearest directory, from the
// working directory up, that holds builder-config.yaml. Collectors run there,
// so relative catalog paths in testdata/otelcol resolve as they do for
// `make run`.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no builder-config.yaml in the working directory or above it")
		}
		dir = parent
	}
}

// Config returns the absolute path of a collector configuration under
// testdata/otelcol.
func Config(name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "testdata", "otelcol", name)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}
