package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// startTimeout bounds how long a collector may take to report healthy;
	// loading the catalogs and starting every pipeline takes well under a
	// second, the margin is for a loaded CI machine.
	startTimeout = 60 * time.Second
	// stopTimeout bounds a graceful shutdown after SIGTERM, which drains the
	// batch processor and exporter queues; after it the process is killed.
	stopTimeout = 20 * time.Second
)

// Collector is one running otelcol-errorcatalog process.
type Collector struct {
	Endpoints Endpoints

	cmd    *exec.Cmd
	output *syncBuffer
	exited chan struct{}
	err    error // the process's exit error, set before exited closes

	stopOnce sync.Once
	stopErr  error
}

// StartCollector starts the binary on the configuration file config (a path)
// with the endpoints in its environment, waits until its health check answers,
// and stops it when the test ends. A collector that exits early, never becomes
// healthy, or does not exit cleanly on SIGTERM fails the test with its output.
//
// Ports picked by NewEndpoints can be taken by another process before the
// collector binds them; when that is why it exited, it is started again on
// fresh ports (up to three times). Read the ports used from
// Collector.Endpoints.
func StartCollector(tb testing.TB, binary, config string, ep Endpoints, extraEnv ...string) *Collector {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatalf("locating the repository root: %v", err)
	}
	for attempt := 1; ; attempt++ {
		c := &Collector{
			Endpoints: ep,
			output:    &syncBuffer{},
			exited:    make(chan struct{}),
		}
		c.cmd = exec.Command(binary, "--config", config)
		c.cmd.Dir = root
		c.cmd.Env = append(append(os.Environ(), ep.Env()...), extraEnv...)
		c.cmd.Stdout = c.output
		c.cmd.Stderr = c.output
		if err := c.cmd.Start(); err != nil {
			tb.Fatalf("starting %s: %v", binary, err)
		}
		go func() {
			c.err = c.cmd.Wait()
			close(c.exited)
		}()
		err := c.waitHealthy(startTimeout)
		if err != nil && attempt < 3 && c.hasExited() && strings.Contains(c.Output(), "address already in use") {
			tb.Logf("collector could not bind its ports, retrying on others:\n%s", c.Output())
			ep = NewEndpoints(tb, ep.Sink)
			continue
		}
		tb.Cleanup(func() {
			if err := c.Stop(); err != nil {
				tb.Errorf("stopping the collector: %v\n--- collector output ---\n%s", err, c.Output())
			}
			if tb.Failed() {
				tb.Logf("--- collector output ---\n%s", c.Output())
			}
		})
		if err != nil {
			tb.Fatalf("collector on %s did not become healthy: %v\n--- collector output ---\n%s", config, err, c.Output())
		}
		return c
	}
}

func (c *Collector) hasExited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

func (c *Collector) waitHealthy(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	url := "http://" + c.Endpoints.Health + "/"
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("the process exited: %v", c.err)
		case <-ctx.Done():
			return fmt.Errorf("no healthy answer from %s within %s", url, timeout)
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM, waits for a graceful shutdown and kills the process if
// it does not come. It returns an error unless the collector exited 0 on its
// own. Calling it again returns the first result.
func (c *Collector) Stop() error {
	c.stopOnce.Do(func() {
		if c.hasExited() {
			c.stopErr = fmt.Errorf("the collector had already exited: %v", c.err)
			return
		}
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			c.stopErr = fmt.Errorf("sending SIGTERM: %w", err)
		}
		select {
		case <-c.exited:
			if c.err != nil {
				c.stopErr = errors.Join(c.stopErr, fmt.Errorf("exit after SIGTERM: %w", c.err))
			}
		case <-time.After(stopTimeout):
			_ = c.cmd.Process.Kill()
			<-c.exited
			c.stopErr = errors.Join(c.stopErr, fmt.Errorf("no exit within %s of SIGTERM; killed", stopTimeout))
		}
	})
	return c.stopErr
}

// Output returns everything the collector has written to stdout and stderr.
func (c *Collector) Output() string { return c.output.String() }

// syncBuffer is a bytes.Buffer the process's two output pipes may write to at
// once while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
