package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// run runs otelcolBinary with args from the repository root and returns its
// exit code and output.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root, err := harness.RepoRoot()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, otelcolBinary, args...)
	cmd.Dir = root
	// The e2e configurations read their endpoints from the environment.
	cmd.Env = append(os.Environ(), harness.Endpoints{
		OTLPGRPC: "127.0.0.1:4317", OTLPHTTP: "127.0.0.1:4318", Health: "127.0.0.1:13133",
		MetricsPort: 8888, Sink: "127.0.0.1:14317",
	}.Env()...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		// A collector that accepted its configuration runs until stopped.
		t.Fatalf("%v did not exit within its deadline: %v\n%s", args, err, out)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("running %v: %v\n%s", args, err, out)
	return 0, ""
}

// validate runs `otelcol-errorcatalog validate --config name` from the
// repository root and returns its exit code and output.
func validate(t *testing.T, name string) (int, string) {
	t.Helper()
	return run(t, "validate", "--config", filepath.Join("testdata", "otelcol", name))
}

func TestValidateGoodConfigs(t *testing.T) {
	for _, name := range []string{"run.yaml", "full.yaml", "e2e.yaml", "e2e-baseline.yaml", "e2e-catalogs.yaml", "e2e-spanmetrics.yaml", "e2e-two-attributes.yaml", "e2e-filelog.yaml", "e2e-fallback.yaml", "e2e-errors.yaml"} {
		t.Run(name, func(t *testing.T) {
			code, out := validate(t, name)
			assert.Equal(t, 0, code, "validate %s:\n%s", name, out)
		})
	}
}

// TestValidateBadConfigs checks that each mistake is refused with a message
// that leads the operator to it: the key, the file, the line, the value.
func TestValidateBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		config string
		want   []string // substrings the message must hold
	}{
		{"invalid/unknown-vendor.yaml", []string{"code_attributes[1].vendor", `unknown vendor "zingel"`}},
		{"invalid/unknown-key.yaml", []string{"'output' has invalid keys: prefx"}},
		{"invalid/wrong-type.yaml", []string{"'infer_vendor'", "bool"}},
		{"invalid/missing-catalog.yaml", []string{"catalogs.files[0]", "does-not-exist.yaml"}},
		{"invalid/bad-catalog.yaml", []string{"bad-category-catalog.yaml:17", "entry 503", `"outage"`}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			code, out := validate(t, tc.config)
			assert.NotEqual(t, 0, code, "validate accepted %s:\n%s", tc.config, out)
			for _, s := range tc.want {
				assert.Contains(t, out, s)
			}
			// Started for real, the collector refuses the same way instead
			// of running half-configured. Its ports are never bound: the
			// configuration fails before any component starts.
			code, out = run(t, "--config", filepath.Join("testdata", "otelcol", tc.config))
			assert.NotEqual(t, 0, code, "the collector started on %s:\n%s", tc.config, out)
			for _, s := range tc.want {
				assert.Contains(t, out, s)
			}
		})
	}
}
