package e2e

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
)

// TestHarnessRetriesTakenPort: when a picked port is taken before the
// collector binds it, the harness starts the collector again on fresh ports
// instead of failing the test that asked for it.
func TestHarnessRetriesTakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = taken.Close() }()

	sink := harness.StartSink(t)
	ep := harness.NewEndpoints(t, sink.Addr)
	ep.OTLPGRPC = taken.Addr().String()
	path, err := harness.Config("e2e.yaml")
	require.NoError(t, err)
	c := harness.StartCollector(t, otelcolBinary, path, ep)
	assert.NotEqual(t, taken.Addr().String(), c.Endpoints.OTLPGRPC)
}
