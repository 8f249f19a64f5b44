package harness

import (
	"net"
	"strconv"
	"testing"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago. The
// listener is closed before returning, so the collector can bind it; the
// window in which another process could take it is short enough for tests.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("picking a free loopback port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// Endpoints are the loopback addresses one collector run listens on and sends
// to. The e2e configurations read them from the environment (${env:E2E_...}).
type Endpoints struct {
	OTLPGRPC    string // the otlp receiver, gRPC
	OTLPHTTP    string // the otlp receiver, HTTP
	Health      string // the health_check extension
	MetricsPort int    // the collector's own Prometheus metrics
	Sink        string // where the otlp_grpc exporter sends
}

// NewEndpoints picks free ports for every collector endpoint; sink is the
// address of the test's OTLP sink.
func NewEndpoints(tb testing.TB, sink string) Endpoints {
	tb.Helper()
	addr := func() string { return "127.0.0.1:" + strconv.Itoa(FreePort(tb)) }
	return Endpoints{
		OTLPGRPC:    addr(),
		OTLPHTTP:    addr(),
		Health:      addr(),
		MetricsPort: FreePort(tb),
		Sink:        sink,
	}
}

// Env returns the endpoints as the environment variables the configurations
// expand.
func (e Endpoints) Env() []string {
	return []string{
		"E2E_OTLP_GRPC_ENDPOINT=" + e.OTLPGRPC,
		"E2E_OTLP_HTTP_ENDPOINT=" + e.OTLPHTTP,
		"E2E_HEALTH_ENDPOINT=" + e.Health,
		"E2E_METRICS_PORT=" + strconv.Itoa(e.MetricsPort),
		"E2E_SINK_ENDPOINT=" + e.Sink,
	}
}
