package processor

import (
	"math/bits"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// outcome is how a code value read from a record resolved.
type outcome uint8

const (
	// outcomeNone: the record holds no code value; it is left untouched.
	outcomeNone outcome = iota
	// outcomeFound: the vendor is known and documents the code.
	outcomeFound
	// outcomeUnknownCode: the vendor is known and does not document the code.
	outcomeUnknownCode
	// outcomeUnknownVendor: a vendor attribute names a vendor the catalog
	// does not have; the code is not guessed at.
	outcomeUnknownVendor
	// outcomeAmbiguous: no hint, and several vendors document the code.
	outcomeAmbiguous
	// outcomeUnresolved: no hint, and no vendor (or inference is off)
	// documents the code.
	outcomeUnresolved
)

// result is what enrich found for one record.
type result struct {
	outcome outcome
	// vendor is the resolved vendor (outcomeFound, outcomeUnknownCode).
	vendor *catalog.Vendor
	// entry is the catalog entry (outcomeFound).
	entry *catalog.Entry
}

// category returns the category written for the result.
func (r *result) category() catalog.Category {
	if r.entry != nil {
		return r.entry.Category
	}
	return catalog.CategoryUnknown
}

// hints are the records a record's vendor hints fall back to: for a span
// event its span, and the resource. Resource attributes are only read.
type hints struct {
	span     pcommon.Map
	hasSpan  bool
	resource pcommon.Map
}

// codeOf returns the code a value holds: an int; a double that is finite,
// integral and within int64; a trimmed, non-empty string. Anything else is
// not a code.
func codeOf(v pcommon.Value) (catalog.Code, bool) {
	switch v.Type() {
	case pcommon.ValueTypeInt:
		return catalog.IntCode(v.Int()), true
	case pcommon.ValueTypeDouble:
		return catalog.FloatCode(v.Double())
	case pcommon.ValueTypeStr:
		return catalog.StringCode(v.Str())
	default:
		return catalog.Code{}, false
	}
}

// readCode returns the first code value among the code attributes, in the
// configured order, the position of its key, and how many earlier code
// attributes held a value that is not a code (skipped). ok is false when
// the record holds no code value.
func (s *state) readCode(attrs pcommon.Map) (c catalog.Code, key int, skipped int, ok bool) {
	if s.scanByLen != nil {
		return s.scanCode(attrs)
	}
	for i := range s.codeKeys {
		v, present := attrs.Get(s.codeKeys[i].key)
		if !present {
			continue
		}
		if c, ok := codeOf(v); ok {
			return c, i, skipped, true
		}
		skipped++
	}
	return catalog.Code{}, -1, skipped, false
}

// scanCode is readCode with one pass over the attributes, for long key
// lists: each attribute is matched against the keys of its length only.
// Like Get, the first occurrence of a key repeated in the map counts.
func (s *state) scanCode(attrs pcommon.Map) (catalog.Code, int, int, bool) {
	best := len(s.codeKeys)
	var bestCode catalog.Code
	var seen, nonCode uint64
	for k, v := range attrs.All() {
		n := len(k)
		if n >= scanMaxLen || s.scanLens[n>>6]&(1<<(n&63)) == 0 {
			continue
		}
		for _, i := range s.scanByLen[n] {
			if s.codeKeys[i].key != k {
				continue
			}
			bit := uint64(1) << i
			if seen&bit != 0 {
				break
			}
			seen |= bit
			if int(i) < best {
				if c, ok := codeOf(v); ok {
					best, bestCode = int(i), c
				} else {
					nonCode |= bit
				}
			}
			break
		}
	}
	if best == len(s.codeKeys) {
		return catalog.Code{}, -1, bits.OnesCount64(nonCode), false
	}
	return bestCode, best, bits.OnesCount64(nonCode & (uint64(1)<<best - 1)), true
}

// resolve reads a record's code and resolves its vendor and entry, as
// DESIGN.md orders it: the code attribute's bound vendor; a vendor
// attribute; a host attribute; inference from the code alone. Vendor hints
// are looked for on the record, then (span events) its span, then the
// resource: each kind of hint on every level before the next kind, so a
// vendor attribute anywhere outranks a host.
func (s *state) resolve(attrs pcommon.Map, h *hints, b *batchRecorder) result {
	code, key, skipped, ok := s.readCode(attrs)
	if skipped > 0 {
		b.stats.skipped[reasonNonCodeValue] += int64(skipped)
	}
	if !ok {
		return result{}
	}
	vendor := s.codeKeys[key].vendor
	if vendor == nil {
		var answered bool
		vendor, answered = s.vendorHint(attrs, h, b)
		if answered && vendor == nil {
			// A vendor we do not know: guessing from the code alone would
			// label another vendor's code.
			return result{outcome: outcomeUnknownVendor}
		}
	}
	if vendor != nil {
		if e, ok := s.index.Lookup(vendor, code); ok {
			return result{outcome: outcomeFound, vendor: vendor, entry: e}
		}
		return result{outcome: outcomeUnknownCode, vendor: vendor}
	}
	if !s.infer {
		return result{outcome: outcomeUnresolved}
	}
	switch e, n := s.index.Infer(code); {
	case n == 1 && e != nil:
		return result{outcome: outcomeFound, vendor: e.Vendor, entry: e}
	case n > 1:
		return result{outcome: outcomeAmbiguous}
	default:
		return result{outcome: outcomeUnresolved}
	}
}

// vendorHint returns the vendor the record's hints name. answered is true
// when a vendor attribute names something: the vendor, or nil for a name
// the catalog does not have. A host that matches no pattern does not answer.
func (s *state) vendorHint(attrs pcommon.Map, h *hints, b *batchRecorder) (*catalog.Vendor, bool) {
	if len(s.vendorKeys) > 0 {
		if v, ok := s.vendorByName(attrs, b); ok {
			return v, true
		}
		if h.hasSpan {
			if v, ok := s.vendorByName(h.span, b); ok {
				return v, true
			}
		}
		if v, ok := s.vendorByName(h.resource, b); ok {
			return v, true
		}
	}
	if len(s.hostKeys) > 0 {
		if v, ok := s.vendorByHost(attrs); ok {
			return v, true
		}
		if h.hasSpan {
			if v, ok := s.vendorByHost(h.span); ok {
				return v, true
			}
		}
		if v, ok := s.vendorByHost(h.resource); ok {
			return v, true
		}
	}
	return nil, false
}

// vendorByName reads the vendor attributes of one map. A string naming a
// catalog vendor (id or alias) answers with it; any other non-empty string
// answers with nil (an unknown vendor). A value that is not a string, or an
// empty one, names nothing: it is skipped and counted.
func (s *state) vendorByName(m pcommon.Map, b *batchRecorder) (*catalog.Vendor, bool) {
	for _, k := range s.vendorKeys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		if v.Type() != pcommon.ValueTypeStr || isBlank(v.Str()) {
			b.stats.skipped[reasonNonVendorValue]++
			continue
		}
		vendor, _ := s.index.VendorByName(v.Str())
		return vendor, true
	}
	return nil, false
}

// vendorByHost reads the host attributes of one map and answers with the
// first whose host matches a catalog host pattern.
func (s *state) vendorByHost(m pcommon.Map) (*catalog.Vendor, bool) {
	for _, k := range s.hostKeys {
		v, ok := m.Get(k)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		if vendor, ok := s.index.VendorByHost(v.Str()); ok {
			return vendor, true
		}
	}
	return nil, false
}

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}
