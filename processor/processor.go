// Package processor is the enrichment of the errorcatalog processor: it
// walks traces, logs and metrics, reads codes, resolves vendors against the
// catalog, writes the entry's attributes, and reports its own telemetry.
package processor // import "github.com/errorcatalog/errorcatalogprocessor/processor"

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.uber.org/zap"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// Processor enriches telemetry with catalog entries. Its Process methods
// are safe for concurrent use; the catalog is swapped atomically on reload.
type Processor struct {
	cfg    *config.Config
	logger *zap.Logger
	tel    *telemetry

	state atomic.Pointer[state]

	mu       sync.Mutex // guards reloader across Start and Shutdown
	reloader *reloader
}

// New returns a processor for cfg. The catalog is loaded by Start.
func New(cfg *config.Config, set component.TelemetrySettings) (*Processor, error) {
	if cfg == nil {
		return nil, errors.New("errorcatalog: nil configuration")
	}
	tel, err := newTelemetry(set.MeterProvider)
	if err != nil {
		return nil, fmt.Errorf("errorcatalog: creating telemetry: %w", err)
	}
	logger := set.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Processor{cfg: cfg, logger: logger, tel: tel}, nil
}

// Start loads the catalog and, when catalogs.reload_interval is positive
// and files are configured, starts re-reading the files.
func (p *Processor) Start(ctx context.Context, _ component.Host) error {
	// The fingerprint is taken before loading: a file changed in between
	// only makes the first tick load it again.
	fp, _ := fingerprint(p.cfg.Catalogs.Files)
	cat, err := p.cfg.LoadCatalog()
	if err != nil {
		return fmt.Errorf("errorcatalog: %w", err)
	}
	st, err := newState(p.cfg, cat)
	if err != nil {
		return fmt.Errorf("errorcatalog: %w", err)
	}
	p.state.Store(st)
	p.tel.recordEntries(ctx, st.entries)

	if p.cfg.Catalogs.ReloadInterval > 0 && len(p.cfg.Catalogs.Files) > 0 {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.reloader == nil {
			p.reloader = startReloader(p, fp)
		}
	}
	return nil
}

// Shutdown stops re-reading catalog files and waits until the reload
// goroutine has returned.
func (p *Processor) Shutdown(context.Context) error {
	p.mu.Lock()
	r := p.reloader
	p.reloader = nil
	p.mu.Unlock()
	if r != nil {
		r.stop()
	}
	return nil
}

// Index returns the lookup index of the catalog in use, nil before Start.
func (p *Processor) Index() *catalog.Index {
	if st := p.state.Load(); st != nil {
		return st.index
	}
	return nil
}

// newBatch returns the state a batch is processed with and the recorder of
// its counts; st is nil before Start, and the batch then passes untouched.
func (p *Processor) newBatch(ctx context.Context, sig signal) (*state, batchRecorder) {
	st := p.state.Load()
	if st == nil {
		return nil, batchRecorder{}
	}
	return st, batchRecorder{ctx: ctx, tel: p.tel, sets: st.sets, signal: sig}
}

// enrich is the work done for one record: read a code from attrs, resolve
// its vendor and entry with the record's hints, write the entry's
// attributes into attrs and count the outcome. A record without a code
// value is neither changed nor counted as enriched.
func (s *state) enrich(attrs pcommon.Map, h *hints, b *batchRecorder) result {
	r := s.resolve(attrs, h, b)
	switch r.outcome {
	case outcomeNone:
		return r
	case outcomeUnknownCode:
		b.countUnknown(r.vendor)
	case outcomeUnknownVendor, outcomeUnresolved:
		b.countUnknown(nil)
	case outcomeAmbiguous:
		b.stats.ambiguous++
	}
	b.countEnriched(r.vendor, r.category())
	s.write(attrs, &r)
	return r
}

// Bits of the attributes a result writes.
const (
	bitVendor uint16 = 1 << iota
	bitCode
	bitName
	bitCategory
	bitClass
	bitSeverity
	bitRetryable
	bitHTTPStatus
	bitDescription
)

// written returns which attributes r writes.
func (s *state) written(r *result) uint16 {
	w := bitCategory | bitClass
	if r.vendor != nil {
		w |= bitVendor
	}
	if e := r.entry; e != nil {
		w |= bitCode | bitName | bitSeverity | bitRetryable
		if e.HTTPStatus != 0 {
			w |= bitHTTPStatus
		}
		if s.description && e.Description != "" {
			w |= bitDescription
		}
	}
	return w
}

// stale reports whether k is an attribute under the prefix that the write
// with mask w does not set, and so is stale.
func (n *outputNames) stale(k string, w uint16) bool {
	if len(k) < len(n.prefix) || k[:len(n.prefix)] != n.prefix {
		return false
	}
	switch k {
	case n.vendor:
		return w&bitVendor == 0
	case n.code:
		return w&bitCode == 0
	case n.name:
		return w&bitName == 0
	case n.category:
		return w&bitCategory == 0
	case n.class:
		return w&bitClass == 0
	case n.severity:
		return w&bitSeverity == 0
	case n.retryable:
		return w&bitRetryable == 0
	case n.httpStatus:
		return w&bitHTTPStatus == 0
	case n.description:
		return w&bitDescription == 0
	}
	return true
}

// write sets the result's attributes on a record the processor read a code
// from. The processor owns its prefix on that record: attributes under it
// that this write does not set are removed, so nothing stale from an
// earlier pass or an upstream producer survives. Every value comes from
// the catalog or the taxonomy, never from the input.
func (s *state) write(attrs pcommon.Map, r *result) {
	n := &s.out
	w := s.written(r)
	attrs.RemoveIf(func(k string, _ pcommon.Value) bool { return n.stale(k, w) })
	// One growth of the attribute slice for every attribute written.
	attrs.EnsureCapacity(attrs.Len() + bits.OnesCount16(w))
	if r.vendor != nil {
		attrs.PutStr(n.vendor, r.vendor.ID)
	}
	e := r.entry
	if e == nil {
		attrs.PutStr(n.category, catalog.CategoryUnknown.String())
		attrs.PutStr(n.class, catalog.ClassUnknown.String())
		return
	}
	attrs.PutStr(n.code, e.Code)
	attrs.PutStr(n.name, e.Name)
	attrs.PutStr(n.category, e.Category.String())
	attrs.PutStr(n.class, e.Class.String())
	attrs.PutStr(n.severity, e.Severity.String())
	attrs.PutBool(n.retryable, e.Retryable)
	if w&bitHTTPStatus != 0 {
		attrs.PutInt(n.httpStatus, int64(e.HTTPStatus))
	}
	if w&bitDescription != 0 {
		attrs.PutStr(n.description, e.Description)
	}
}
