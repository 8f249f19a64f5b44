// Package processor is the enrichment of the errorcatalog processor: it
// walks traces, logs and metrics, reads codes, resolves vendors against the
// catalog, writes the entry's attributes, and reports its own telemetry.
// Its one export is NewFactory; everything else is the machinery behind it.
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
	"github.com/errorcatalog/errorcatalogprocessor/internal/reload"
)

// catalogProcessor enriches telemetry with catalog entries. One serves
// every pipeline and signal that names the same component configuration:
// one catalog, one index, one reloader, one set of instruments. Its
// process methods are safe for concurrent use; the catalog is swapped
// atomically on reload.
type catalogProcessor struct {
	cfg    *config.Config
	logger *zap.Logger
	tel    *telemetry

	state atomic.Pointer[state]

	mu       sync.Mutex // guards running and reloader
	running  int        // pipelines started and not yet shut down
	reloader *reload.Reloader[*state]
}

// newCatalogProcessor returns a processor for cfg. The catalog is loaded
// by start.
func newCatalogProcessor(cfg *config.Config, set component.TelemetrySettings) (*catalogProcessor, error) {
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
	return &catalogProcessor{cfg: cfg, logger: logger, tel: tel}, nil
}

// start is called once by each pipeline that uses the processor. The first
// loads the catalog and, when catalogs.reload_interval is positive and
// files are configured, starts re-reading the files; later ones share what
// the first loaded.
func (p *catalogProcessor) start(ctx context.Context, _ component.Host) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running > 0 {
		p.running++
		return nil
	}
	// The fingerprint is taken before loading: a file changed in between
	// only makes the first tick load it again.
	fp, _ := reload.Fingerprint(p.cfg.Catalogs.Files)
	st, err := p.loadState()
	if err != nil {
		return fmt.Errorf("errorcatalog: %w", err)
	}
	p.state.Store(st)
	p.tel.recordEntries(ctx, st.entries)
	if p.cfg.Catalogs.ReloadInterval > 0 && len(p.cfg.Catalogs.Files) > 0 {
		p.reloader = reload.Start(reload.Settings[*state]{
			Paths:     p.cfg.Catalogs.Files,
			Interval:  p.cfg.Catalogs.ReloadInterval,
			Parse:     p.loadState,
			OnReload:  p.reloaded,
			OnFailure: p.reloadFailed,
		}, fp)
	}
	p.running = 1
	return nil
}

// shutdown is called once by each pipeline that started the processor. The
// last one stops re-reading catalog files and waits until the reload
// goroutine has returned. Calls beyond the starts do nothing.
func (p *catalogProcessor) shutdown(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running == 0 {
		return nil
	}
	p.running--
	if p.running == 0 && p.reloader != nil {
		p.reloader.Stop()
		p.reloader = nil
	}
	return nil
}

// loadState loads the configured catalogs and builds the state the hot
// path reads.
func (p *catalogProcessor) loadState() (*state, error) {
	cat, err := p.cfg.LoadCatalog()
	if err != nil {
		return nil, err
	}
	return newState(p.cfg, cat)
}

// reloaded swaps in the state built from changed catalog files. It logs
// before counting: whoever sees the counter move finds the log line that
// explains it.
func (p *catalogProcessor) reloaded(st *state) {
	p.state.Store(st)
	p.logger.Info("Catalog reloaded",
		zap.Strings("files", p.cfg.Catalogs.Files),
		zap.Int("vendors", len(st.index.Vendors())),
		zap.Int("entries", st.entries))
	ctx := context.Background()
	p.tel.recordEntries(ctx, st.entries)
	p.tel.recordReload(ctx, true)
}

// reloadFailed keeps the state in use when changed catalog files do not
// load.
func (p *catalogProcessor) reloadFailed(err error) {
	p.logger.Warn("Catalog reload failed; keeping the last good catalog",
		zap.Strings("files", p.cfg.Catalogs.Files), zap.Error(err))
	p.tel.recordReload(context.Background(), false)
}

// currentIndex returns the lookup index of the catalog in use, nil before
// the first start.
func (p *catalogProcessor) currentIndex() *catalog.Index {
	if st := p.state.Load(); st != nil {
		return st.index
	}
	return nil
}

// newBatch returns the state a batch is processed with and readies b, a
// zero recorder, to record the batch's counts; st is nil before Start, and
// the batch then passes untouched. b is filled in place: the recorder is a
// few hundred bytes, and returning it by value would copy it for every
// batch, which shows in the cost of small batches.
func (p *catalogProcessor) newBatch(ctx context.Context, sig signal, b *batch) *state {
	st := p.state.Load()
	if st == nil {
		return nil
	}
	b.rec.ctx, b.rec.tel, b.rec.sets, b.rec.signal = ctx, p.tel, st.sets, sig
	return st
}

// batch is what the walk of one batch carries from record to record: the
// counts it records at the end, and what resolution remembers.
type batch struct {
	rec batchRecorder
	sc  scratch
}

// flush records the batch's counts, the payloads read included.
func (b *batch) flush() {
	b.rec.flush()
	if pr := b.sc.probe; pr != nil {
		b.rec.flushPayloads(&pr.tally)
		b.sc.releaseProbe()
	}
}

// enrich is the work done for one record: read a code from attrs, resolve
// its vendor and entry with the record's hints, count the outcome and
// write the entry's attributes into attrs. A record without a code value
// is neither changed nor counted as enriched.
func (s *state) enrich(attrs pcommon.Map, h *hints, b *batch) result {
	return s.enrichRecord(attrs, nil, h, b, true)
}

// enrichRecord is enrich for a record that may carry a payload besides its
// attributes (a log record's body). Payloads are read only when no code
// attribute holds a code value: strict code attributes come first.
//
// fallback allows the HTTP status fallback; a span's walk defers it until
// its events were read, since a code on an event is a code found.
func (s *state) enrichRecord(attrs pcommon.Map, body *pcommon.Value, h *hints, b *batch, fallback bool) result {
	r := s.resolve(attrs, h, &b.sc)
	if r.outcome == outcomeNone {
		skipped, seen := r.skippedCodes, r.seen
		b.sc.hint = recordHint{}
		if s.payloads.enabled && s.mayHavePayload(attrs, body, seen) {
			r = s.readPayloads(attrs, body, h, &b.sc)
		}
		if r.outcome == outcomeNone && s.probesOthers(seen, fallback) {
			r = s.probeOthers(attrs, seen, h, &b.sc, fallback)
		}
		r.skippedCodes = skipped
		r.skippedVendors = b.sc.hint.skipped // 0 when no place read the hints
	}
	b.rec.count(&r)
	if r.outcome != outcomeNone {
		s.write(attrs, &r)
	}
	return r
}

// probesOthers reports whether error.type, text or the HTTP status may
// have something to read on a record.
func (s *state) probesOthers(seen probeSeen, fallback bool) bool {
	if s.statusFallback && fallback {
		return true
	}
	if !seen.known {
		return s.errorType || len(s.text.keys) > 0
	}
	return seen.mask&(seenErrorType|seenText) != 0
}

// enrichStatus applies the HTTP status fallback alone to a record nothing
// else found a code for (a span whose events found none either).
func (s *state) enrichStatus(attrs pcommon.Map, h *hints, b *batch) result {
	b.sc.hint = recordHint{}
	r := s.probeStatus(attrs, h, &b.sc)
	r.skippedVendors = b.sc.hint.skipped
	b.rec.count(&r)
	if r.outcome != outcomeNone {
		s.write(attrs, &r)
	}
	return r
}

// Bits of the attributes a result writes, bit a for config.Attribute a.
const (
	bitVendor      uint16 = 1 << config.AttributeVendor
	bitCode        uint16 = 1 << config.AttributeCode
	bitName        uint16 = 1 << config.AttributeName
	bitCategory    uint16 = 1 << config.AttributeCategory
	bitClass       uint16 = 1 << config.AttributeClass
	bitSeverity    uint16 = 1 << config.AttributeSeverity
	bitRetryable   uint16 = 1 << config.AttributeRetryable
	bitHTTPStatus  uint16 = 1 << config.AttributeHTTPStatus
	bitDescription uint16 = 1 << config.AttributeDescription
)

// written returns which attributes r writes: those it has a value for,
// among those the configuration selects.
func (s *state) written(r *result) uint16 {
	w := bitCategory | bitClass
	if r.vendor != nil {
		w |= bitVendor
	}
	if e := r.entry; e != nil {
		w |= bitName | bitSeverity | bitRetryable
		if !r.noCode {
			w |= bitCode
		}
		if e.HTTPStatus != 0 {
			w |= bitHTTPStatus
		}
		if e.Description != "" {
			w |= bitDescription
		}
	}
	return w & s.selected
}

// owned returns the bit of k when k is an attribute the processor writes,
// 0 for any other name under the prefix; under is false for names outside
// the prefix, which are never touched.
func (n *outputNames) owned(k string) (bit uint16, under bool) {
	if len(k) < len(n.prefix) || k[:len(n.prefix)] != n.prefix {
		return 0, false
	}
	for a, name := range n.names {
		if k == name {
			return 1 << a, true
		}
	}
	return 0, true
}

// anyUnder reports whether some attribute of attrs is under the prefix. The
// first and last bytes of the prefix are compared before the rest.
func (n *outputNames) anyUnder(attrs pcommon.Map) bool {
	p := n.prefix
	if p == "" {
		return attrs.Len() > 0
	}
	first, last := p[0], p[len(p)-1]
	for k := range attrs.All() {
		if len(k) >= len(p) && k[0] == first && k[len(p)-1] == last && k[:len(p)] == p {
			return true
		}
	}
	return false
}

// write sets the result's attributes on a record the processor read a code
// from. The processor owns its prefix on that record: attributes under it
// that this write does not set are removed, so nothing stale from an
// earlier pass or an upstream producer survives. Every value comes from
// the catalog or the taxonomy, never from the input.
func (s *state) write(attrs pcommon.Map, r *result) {
	n := &s.out
	w := s.written(r)
	// A map decoded from the wire can repeat a key, and Put sets only its
	// first occurrence: later occurrences of a key this write sets are
	// removed too, or they would carry input values under the prefix.
	// Most records hold nothing under the prefix: a plain pass finds that
	// for less than RemoveIf's call per attribute.
	var kept uint16
	if n.anyUnder(attrs) {
		attrs.RemoveIf(func(k string, _ pcommon.Value) bool {
			bit, under := n.owned(k)
			if !under {
				return false
			}
			if bit&w == 0 || kept&bit != 0 {
				return true // stale, or a repeat
			}
			kept |= bit
			return false
		})
	}
	// One growth of the attribute slice for every attribute written that
	// the record does not hold yet (those it holds are updated in place).
	attrs.EnsureCapacity(attrs.Len() + bits.OnesCount16(w&^kept))
	// Straight-line Puts, each behind its bit: the common case (every
	// attribute but description) runs no loop and no switch.
	e := r.entry
	if w&bitVendor != 0 {
		attrs.PutStr(n.names[config.AttributeVendor], r.vendor.ID)
	}
	if w&bitCode != 0 {
		attrs.PutStr(n.names[config.AttributeCode], e.Code)
	}
	if w&bitName != 0 {
		attrs.PutStr(n.names[config.AttributeName], e.Name)
	}
	if w&bitCategory != 0 {
		attrs.PutStr(n.names[config.AttributeCategory], r.category().String())
	}
	if w&bitClass != 0 {
		attrs.PutStr(n.names[config.AttributeClass], r.class().String())
	}
	if w&bitSeverity != 0 {
		attrs.PutStr(n.names[config.AttributeSeverity], e.Severity.String())
	}
	if w&bitRetryable != 0 {
		attrs.PutBool(n.names[config.AttributeRetryable], e.Retryable)
	}
	if w&bitHTTPStatus != 0 {
		attrs.PutInt(n.names[config.AttributeHTTPStatus], int64(e.HTTPStatus))
	}
	if w&bitDescription != 0 {
		attrs.PutStr(n.names[config.AttributeDescription], e.Description)
	}
}
