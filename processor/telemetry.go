package processor

import (
	"context"
	"errors"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/internal/metadata"
)

// scopeName is the instrumentation scope of the processor's own metrics.
const scopeName = metadata.ScopeName

// noVendor is the vendor label of counts for codes no catalog vendor was
// resolved for. Label values come from the catalog or from this constant,
// never from the input, so the metrics' cardinality is bounded by the
// catalog.
const noVendor = "unknown"

// signal is the signal a batch belongs to, the `signal` label.
type signal uint8

const (
	signalTraces signal = iota
	signalLogs
	signalMetrics
	numSignals
)

var signalNames = [numSignals]string{"traces", "logs", "metrics"}

// skipReason is why a value was not used, the `reason` label.
type skipReason uint8

const (
	// reasonNonCodeValue: a code attribute held a value that is not a code
	// (map, slice, bytes, bool, empty string, fraction, NaN, ±Inf).
	reasonNonCodeValue skipReason = iota
	// reasonNonVendorValue: a vendor attribute held a value that names
	// nothing (not a string, or an empty one).
	reasonNonVendorValue
	numReasons
)

var reasonNames = [numReasons]string{"non_code_value", "non_vendor_value"}

// numCategories is the size of the category taxonomy, for indexing.
var numCategories = len(catalog.Categories())

// telemetry holds the processor's instruments and the attribute sets that
// do not depend on the catalog.
type telemetry struct {
	enriched  metric.Int64Counter
	unknown   metric.Int64Counter
	ambiguous metric.Int64Counter
	skipped   metric.Int64Counter
	reloads   metric.Int64Counter
	entries   metric.Int64Gauge
	payloads  metric.Int64Counter

	reloadSuccess []metric.AddOption
	reloadFailure []metric.AddOption
	skippedOpts   [numReasons][]metric.AddOption
	payloadOpts   [numPayloadSources][numPayloadResults][]metric.AddOption
}

func newTelemetry(mp metric.MeterProvider) (*telemetry, error) {
	m := mp.Meter(scopeName)
	t := &telemetry{}
	var err, e error
	t.enriched, e = m.Int64Counter(metadata.MetricRecordsEnriched,
		metric.WithDescription("Records that carried a code value and were enriched, by resolved vendor and category."),
		metric.WithUnit("{record}"))
	err = errors.Join(err, e)
	t.unknown, e = m.Int64Counter(metadata.MetricCodesUnknown,
		metric.WithDescription("Code values not found in the catalog, by resolved vendor (\"unknown\" when none)."),
		metric.WithUnit("{code}"))
	err = errors.Join(err, e)
	t.ambiguous, e = m.Int64Counter(metadata.MetricCodesAmbiguous,
		metric.WithDescription("Code values documented by several vendors with no hint to choose one."),
		metric.WithUnit("{code}"))
	err = errors.Join(err, e)
	t.skipped, e = m.Int64Counter(metadata.MetricValuesSkipped,
		metric.WithDescription("Attribute values skipped because they are not a code or not a vendor name, by reason."),
		metric.WithUnit("{value}"))
	err = errors.Join(err, e)
	t.reloads, e = m.Int64Counter(metadata.MetricCatalogReloads,
		metric.WithDescription("Catalog reloads after a change of the catalog files, by result."),
		metric.WithUnit("{reload}"))
	err = errors.Join(err, e)
	t.entries, e = m.Int64Gauge(metadata.MetricCatalogEntries,
		metric.WithDescription("Entries in the catalog in use."),
		metric.WithUnit("{entry}"))
	err = errors.Join(err, e)
	t.payloads, e = m.Int64Counter(metadata.MetricSourcesRead,
		metric.WithDescription("Places a code may be (payloads, error.type, exception text, HTTP status) read on records without a code attribute, by source and outcome."),
		metric.WithUnit("{read}"))
	err = errors.Join(err, e)
	if err != nil {
		return nil, err
	}
	for src := range numPayloadSources {
		for res := range numPayloadResults {
			t.payloadOpts[src][res] = addOpts(
				attribute.String("source", payloadSourceNames[src]),
				attribute.String("outcome", payloadResultNames[res]))
		}
	}
	t.reloadSuccess = addOpts(attribute.String("result", "success"))
	t.reloadFailure = addOpts(attribute.String("result", "failure"))
	for r := range numReasons {
		t.skippedOpts[r] = addOpts(attribute.String("reason", reasonNames[r]))
	}
	return t, nil
}

func addOpts(kvs ...attribute.KeyValue) []metric.AddOption {
	return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(kvs...))}
}

// metricSets holds the attribute sets of one catalog's vendors. They are
// built on first use at the end of a batch and then kept for the life of
// the catalog, so a batch records its counts without building any set; the
// sets are lazy because a catalog with many vendors would otherwise build
// thousands of sets it may never use.
type metricSets struct {
	vendors  []*catalog.Vendor
	pos      map[*catalog.Vendor]int
	enriched []atomic.Pointer[[]metric.AddOption] // [signal][vendor pos+1][category]
	unknown  []atomic.Pointer[[]metric.AddOption] // [vendor pos+1]
}

func newMetricSets(vendors []*catalog.Vendor) *metricSets {
	ms := &metricSets{
		vendors:  vendors,
		pos:      make(map[*catalog.Vendor]int, len(vendors)),
		enriched: make([]atomic.Pointer[[]metric.AddOption], int(numSignals)*(len(vendors)+1)*numCategories),
		unknown:  make([]atomic.Pointer[[]metric.AddOption], len(vendors)+1),
	}
	for i, v := range vendors {
		ms.pos[v] = i
	}
	return ms
}

// slot returns the position of v (nil: no vendor) in the sets, and its label.
func (ms *metricSets) slot(v *catalog.Vendor) (int, string) {
	if v == nil {
		return 0, noVendor
	}
	if p, ok := ms.pos[v]; ok {
		return p + 1, v.ID
	}
	return 0, noVendor
}

func (ms *metricSets) enrichedOpts(sig signal, v *catalog.Vendor, c catalog.Category) []metric.AddOption {
	vp, label := ms.slot(v)
	if int(c) >= numCategories {
		c = catalog.CategoryUnknown
	}
	i := (int(sig)*(len(ms.vendors)+1)+vp)*numCategories + int(c)
	return lazyOpts(&ms.enriched[i], func() []metric.AddOption {
		return addOpts(
			attribute.String("vendor", label),
			attribute.String("category", c.String()),
			attribute.String("signal", signalNames[sig]))
	})
}

func (ms *metricSets) unknownOpts(v *catalog.Vendor) []metric.AddOption {
	vp, label := ms.slot(v)
	return lazyOpts(&ms.unknown[vp], func() []metric.AddOption {
		return addOpts(attribute.String("vendor", label))
	})
}

func lazyOpts(p *atomic.Pointer[[]metric.AddOption], build func() []metric.AddOption) []metric.AddOption {
	if o := p.Load(); o != nil {
		return *o
	}
	o := build()
	if p.CompareAndSwap(nil, &o) {
		return o
	}
	return *p.Load()
}

// batchSlots is the number of distinct (vendor, category) and vendor
// counts a batch keeps before it records them early. Batches usually hold
// a handful of distinct combinations.
const batchSlots = 8

type enrichedSlot struct {
	vendor   *catalog.Vendor
	category catalog.Category
	n        int64
}

type unknownSlot struct {
	vendor *catalog.Vendor
	n      int64
}

// batchStats accumulates one batch's counts so the instruments are called
// once per batch, never per record. It lives on the stack of the call that
// walks the batch and is recorded with flush.
type batchStats struct {
	enriched  [batchSlots]enrichedSlot
	nEnriched int
	unknown   [batchSlots]unknownSlot
	nUnknown  int
	ambiguous int64
	skipped   [numReasons]int64
}

// batchRecorder ties a batch's counts to where they are recorded.
type batchRecorder struct {
	ctx    context.Context
	tel    *telemetry
	sets   *metricSets
	signal signal
	stats  batchStats
}

// count adds what resolving one record found to the batch's counts. It is
// the one place a record's outcome is counted.
func (b *batchRecorder) count(r *result) {
	b.stats.skipped[reasonNonCodeValue] += int64(r.skippedCodes)
	b.stats.skipped[reasonNonVendorValue] += int64(r.skippedVendors)
	switch r.outcome {
	case outcomeNone:
		return
	case outcomeUnknownCode:
		b.countUnknown(r.vendor)
	case outcomeUnknownVendor, outcomeUnresolved:
		b.countUnknown(nil)
	case outcomeAmbiguous:
		b.stats.ambiguous++
	}
	b.countEnriched(r.vendor, r.category())
}

func (b *batchRecorder) countEnriched(v *catalog.Vendor, c catalog.Category) {
	s := &b.stats
	for i := 0; i < s.nEnriched; i++ {
		if e := &s.enriched[i]; e.vendor == v && e.category == c {
			e.n++
			return
		}
	}
	if s.nEnriched == batchSlots {
		b.flushEnriched()
	}
	s.enriched[s.nEnriched] = enrichedSlot{vendor: v, category: c, n: 1}
	s.nEnriched++
}

func (b *batchRecorder) countUnknown(v *catalog.Vendor) {
	s := &b.stats
	for i := 0; i < s.nUnknown; i++ {
		if u := &s.unknown[i]; u.vendor == v {
			u.n++
			return
		}
	}
	if s.nUnknown == batchSlots {
		b.flushUnknown()
	}
	s.unknown[s.nUnknown] = unknownSlot{vendor: v, n: 1}
	s.nUnknown++
}

func (b *batchRecorder) flushEnriched() {
	s := &b.stats
	for i := 0; i < s.nEnriched; i++ {
		e := &s.enriched[i]
		b.tel.enriched.Add(b.ctx, e.n, b.sets.enrichedOpts(b.signal, e.vendor, e.category)...)
	}
	s.nEnriched = 0
}

func (b *batchRecorder) flushUnknown() {
	s := &b.stats
	for i := 0; i < s.nUnknown; i++ {
		u := &s.unknown[i]
		b.tel.unknown.Add(b.ctx, u.n, b.sets.unknownOpts(u.vendor)...)
	}
	s.nUnknown = 0
}

// flushPayloads records the outcomes of the payloads a batch read, and
// clears them.
func (b *batchRecorder) flushPayloads(t *payloadTally) {
	for src := range numPayloadSources {
		for res := range numPayloadResults {
			if n := t[src][res]; n > 0 {
				b.tel.payloads.Add(b.ctx, int64(n), b.tel.payloadOpts[src][res]...)
				t[src][res] = 0
			}
		}
	}
}

// flush records the batch's counts. Most batches of a collector have no
// code at all: they return after a few comparisons.
func (b *batchRecorder) flush() {
	s := &b.stats
	if s.nEnriched > 0 {
		b.flushEnriched()
	}
	if s.nUnknown > 0 {
		b.flushUnknown()
	}
	if s.ambiguous > 0 {
		b.tel.ambiguous.Add(b.ctx, s.ambiguous)
		s.ambiguous = 0
	}
	for r := range numReasons {
		if s.skipped[r] > 0 {
			b.tel.skipped.Add(b.ctx, s.skipped[r], b.tel.skippedOpts[r]...)
			s.skipped[r] = 0
		}
	}
}

func (t *telemetry) recordReload(ctx context.Context, ok bool) {
	if ok {
		t.reloads.Add(ctx, 1, t.reloadSuccess...)
	} else {
		t.reloads.Add(ctx, 1, t.reloadFailure...)
	}
}

func (t *telemetry) recordEntries(ctx context.Context, n int) {
	t.entries.Record(ctx, int64(n))
}
