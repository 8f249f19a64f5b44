package harness

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// Telemetrygen runs the contrib telemetrygen load generator.
type Telemetrygen struct {
	Binary string
}

// Run runs `telemetrygen signal args...` against endpoint over plaintext
// gRPC and waits for it, for at most timeout: every run is bounded, whatever
// its arguments ask for.
func (g Telemetrygen) Run(ctx context.Context, timeout time.Duration, signal, endpoint string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	full := append([]string{signal, "--otlp-insecure", "--otlp-endpoint", endpoint}, args...)
	out, err := exec.CommandContext(ctx, g.Binary, full...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("telemetrygen %v: %w\n%s", full, err, out)
	}
	return nil
}
