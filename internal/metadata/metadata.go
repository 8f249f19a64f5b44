// Package metadata describes the errorcatalog processor as metadata.yaml
// at the repository root does: its type, its stability per signal and its
// own telemetry. A test keeps the two in agreement; mdatagen, which would
// generate this file, is not used by this module.
package metadata // import "github.com/errorcatalog/errorcatalogprocessor/internal/metadata"

import "go.opentelemetry.io/collector/component"

// Type is the component type used in collector configurations:
// `processors: {errorcatalog: {}}`.
var Type = component.MustNewType("errorcatalog")

// ScopeName is the instrumentation scope of the processor's own telemetry.
const ScopeName = "github.com/errorcatalog/errorcatalogprocessor"

// Stability of each signal the processor handles.
const (
	TracesStability  = component.StabilityLevelAlpha
	MetricsStability = component.StabilityLevelAlpha
	LogsStability    = component.StabilityLevelAlpha
)

// Names of the processor's own metrics, following the collector's pattern
// for processors, otelcol_processor_<type>_<name>.
const (
	MetricRecordsEnriched = "otelcol_processor_errorcatalog_records_enriched"
	MetricCodesUnknown    = "otelcol_processor_errorcatalog_codes_unknown"
	MetricCodesAmbiguous  = "otelcol_processor_errorcatalog_codes_ambiguous"
	MetricValuesSkipped   = "otelcol_processor_errorcatalog_values_skipped"
	MetricCatalogReloads  = "otelcol_processor_errorcatalog_catalog_reloads"
	MetricCatalogEntries  = "otelcol_processor_errorcatalog_catalog_entries"
	MetricSourcesRead     = "otelcol_processor_errorcatalog_sources_read"
)
