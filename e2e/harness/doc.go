// Package harness runs the built otelcol-errorcatalog distribution for the
// end-to-end suite: it picks free loopback ports, starts the binary on a
// configuration from testdata/otelcol, waits for its health check, receives
// what the collector exports on an in-process OTLP sink, and stops the
// collector when the test ends.
package harness // import "github.com/errorcatalog/errorcatalogprocessor/e2e/harness"
