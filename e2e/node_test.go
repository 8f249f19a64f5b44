package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// A client from another ecosystem: e2e/node is a Node.js service that logs
// with pino, as Node developers do, the vendor's parsed error response as a
// field of the log line; @opentelemetry/instrumentation-pino sends every
// line to the OpenTelemetry JS Logs SDK, which exports it over OTLP/HTTP
// (JSON) to the distribution. The fields arrive as map-valued attributes,
// where errorcatalog finds the vendor's response object.

// envNodeService names the e2e/node directory with its packages installed
// (`make node` runs npm ci there; `make e2e` passes the path).
const envNodeService = "ERRORCATALOG_NODE_SERVICE"

const (
	// nodeRunTimeout bounds the service's run: it exits by itself after
	// 20 s at most; the margin is for a loaded CI machine.
	nodeRunTimeout = 60 * time.Second
	// nodeScope is the instrumentation scope of the records pino's log
	// sending emits.
	nodeScope = "@opentelemetry/instrumentation-pino"
)

// nodeService returns the e2e/node directory and the node binary, or fails
// the test with what to run.
func nodeService(t *testing.T) (dir, node string) {
	t.Helper()
	dir = os.Getenv(envNodeService)
	if dir == "" {
		t.Fatalf("%s is not set: run `make node` and pass e2e/node's path in %s (`make e2e` does both)", envNodeService, envNodeService)
	}
	dir, err := filepath.Abs(dir)
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(dir, "index.js")); err != nil {
		t.Fatalf("%s=%q is not e2e/node: %v", envNodeService, dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil {
		t.Fatalf("%s=%q has no installed packages (run `make node`): %v", envNodeService, dir, err)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		t.Fatalf("no node on PATH (run `make node`, which installs Debian's nodejs): %v", err)
	}
	return dir, node
}

// nodeEnv is the environment the service runs in: the test's, less every
// OTEL_ variable (which the JS SDK would read), plus the collector's
// OTLP/HTTP endpoint.
func nodeEnv(endpoint string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") {
			env = append(env, kv)
		}
	}
	return append(env, "OTEL_EXPORTER_OTLP_ENDPOINT=http://"+endpoint)
}

// nodeCase is one line e2e/node/index.js logs, by its message (the record's
// body), and the error.catalog.* attributes it must be exported with; none
// for a record errorcatalog must leave alone.
type nodeCase struct {
	body     string
	severity plog.SeverityNumber
	// field is the pino field holding the logged object, kept as it was.
	field string
	// path leads from field to a value of the logged object, and value is
	// that value: the attribute must still be a map holding it.
	path  []string
	value any
	want  map[string]any
}

var nodeCases = []nodeCase{
	{
		body:     "cometchat call failed",
		severity: plog.SeverityNumberError,
		field:    "vendor_response",
		path:     []string{"error", "code"},
		value:    "ERR_UID_NOT_FOUND",
		want: map[string]any{
			"error.catalog.vendor":    "cometchat",
			"error.catalog.code":      "ERR_UID_NOT_FOUND",
			"error.catalog.name":      "User Not Found",
			"error.catalog.category":  "not_found",
			"error.catalog.class":     "NOT_FOUND",
			"error.catalog.severity":  "warning",
			"error.catalog.retryable": false,
		},
	},
	{
		body:     "fone dynamics send failed",
		severity: plog.SeverityNumberError,
		field:    "sms",
		path:     []string{"upstream", "body", "ResponseStatus", "ErrorCode"},
		value:    "NUMBER_NOT_FOUND",
		want: map[string]any{
			"error.catalog.vendor":    "fonedynamics",
			"error.catalog.code":      "NUMBER_NOT_FOUND",
			"error.catalog.name":      "Number Not Found",
			"error.catalog.category":  "not_found",
			"error.catalog.class":     "NOT_FOUND",
			"error.catalog.severity":  "warning",
			"error.catalog.retryable": false,
		},
	},
	{
		body:     "order placed",
		severity: plog.SeverityNumberInfo,
		field:    "order",
		path:     []string{"id"},
		value:    "ord-1001",
	},
	{
		// Speakap and NetEase IM both answer with a numeric code at
		// `code`; with no hint naming either, nothing is written.
		body:     "im call failed",
		severity: plog.SeverityNumberWarn,
		field:    "vendor_response",
		path:     []string{"code"},
		value:    int64(414),
	},
}

// TestNodePinoServiceLogsEnriched runs e2e/node against the distribution on
// testdata/otelcol/e2e.yaml and checks every record it logged, as the sink
// received it.
func TestNodePinoServiceLogsEnriched(t *testing.T) {
	dir, node := nodeService(t)
	p := startPipeline(t, "e2e.yaml")

	ctx, cancel := context.WithTimeout(context.Background(), nodeRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "index.js")
	cmd.Dir = dir
	cmd.Env = nodeEnv(p.collector.Endpoints.OTLPHTTP)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node index.js (in %s) after %s: %v\n--- output ---\n%s", dir, time.Since(start).Round(time.Millisecond), err, out)
	}
	t.Logf("node index.js exited 0 after %s", time.Since(start).Round(time.Millisecond))

	harness.Eventually(t, arrival, func() bool { return p.sink.Counts().LogRecords >= int64(len(nodeCases)) },
		func() string {
			return fmt.Sprintf("the sink received %d of %d log records\n--- node output ---\n%s",
				p.sink.Counts().LogRecords, len(nodeCases), out)
		})
	records := nodeLogsByBody(t, p.sink.Logs())
	require.Len(t, records, len(nodeCases), "log records exported: %v", nodeBodies(records))
	assert.EqualValues(t, 2, p.sink.Counts().EnrichedLogRecords, "log records with %s", harness.EnrichedKey)

	for _, tc := range nodeCases {
		t.Run(tc.body, func(t *testing.T) {
			lr, ok := records[tc.body]
			require.True(t, ok, "no log record with body %q; got %v", tc.body, nodeBodies(records))
			attrs := lr.Attributes()
			t.Logf("attributes: %v", attrs.AsRaw())

			got := map[string]any{}
			for k, v := range attrs.All() {
				if strings.HasPrefix(k, "error.catalog.") {
					got[k] = v.AsRaw()
				}
			}
			if tc.want == nil {
				assert.Empty(t, got, "record %q must carry no error.catalog.* attribute", tc.body)
			} else {
				assert.Equal(t, tc.want, got, "error.catalog.* attributes of %q", tc.body)
			}

			// The logged object arrives, and leaves, as a map attribute.
			v, ok := attrs.Get(tc.field)
			require.True(t, ok, "attribute %q missing", tc.field)
			require.Equal(t, pcommon.ValueTypeMap, v.Type(), "attribute %q", tc.field)
			assert.Equal(t, tc.value, nodeLookup(v.Map(), tc.path), "%s.%s", tc.field, strings.Join(tc.path, "."))
			// pino's own name field, and nothing the payload read added.
			name, _ := attrs.Get("name")
			assert.Equal(t, "e2e-node", name.AsString(), "attribute name")
			assert.Equal(t, tc.severity, lr.SeverityNumber(), "severity number (errorcatalog must not lower it)")
		})
	}
}

// nodeLogsByBody indexes the exported log records by body, checking that
// each came from pino's log sending in the e2e-node service; a body seen
// twice fails the test.
func nodeLogsByBody(t *testing.T, all []plog.Logs) map[string]plog.LogRecord {
	t.Helper()
	m := map[string]plog.LogRecord{}
	for _, ld := range all {
		for _, rl := range ld.ResourceLogs().All() {
			svc, _ := rl.Resource().Attributes().Get("service.name")
			require.Equal(t, "e2e-node", svc.AsString(), "resource service.name")
			for _, sl := range rl.ScopeLogs().All() {
				require.Equal(t, nodeScope, sl.Scope().Name(), "instrumentation scope")
				for _, lr := range sl.LogRecords().All() {
					body := lr.Body().AsString()
					_, dup := m[body]
					require.False(t, dup, "log record %q exported twice", body)
					m[body] = lr
				}
			}
		}
	}
	return m
}

// nodeLookup returns the raw value at path in m, or nil.
func nodeLookup(m pcommon.Map, path []string) any {
	for i, k := range path {
		v, ok := m.Get(k)
		if !ok {
			return nil
		}
		if i == len(path)-1 {
			return v.AsRaw()
		}
		if v.Type() != pcommon.ValueTypeMap {
			return nil
		}
		m = v.Map()
	}
	return nil
}

func nodeBodies(m map[string]plog.LogRecord) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
