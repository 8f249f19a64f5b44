// Package errorcatalogprocessor is the errorcatalog processor: it reads
// vendor error codes from telemetry, looks each one up in a catalog built
// from the vendors' documentation, and writes the entry's name, category,
// class and severity next to it. NewFactory is the one entry point a
// collector distribution imports.
package errorcatalogprocessor // import "github.com/errorcatalog/errorcatalogprocessor"

import (
	"go.opentelemetry.io/collector/processor"

	enrich "github.com/errorcatalog/errorcatalogprocessor/processor"
)

// NewFactory returns the factory of the errorcatalog processor, component
// type `errorcatalog`. A configuration used in several pipelines and
// signals is served by one processor: one catalog, one index, one
// reloader.
func NewFactory() processor.Factory {
	return enrich.NewFactory()
}
