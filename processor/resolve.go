package processor

import (
	"math/bits"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
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
	// skippedCodes and skippedVendors are how many code and vendor
	// attributes held a value that names nothing and were passed over.
	skippedCodes   int
	skippedVendors int
	// seen is what reading the code attributes learned of the attributes
	// the places a code may be are read from.
	seen probeSeen
	// noCode is set for a result classified from an HTTP status: no
	// vendor code was seen, so none is written.
	noCode bool
}

// category returns the category written for the result.
func (r *result) category() catalog.Category {
	if r.entry != nil {
		return r.entry.Category
	}
	return catalog.CategoryUnknown
}

// class returns the class written for the result.
func (r *result) class() catalog.Class {
	if r.entry != nil {
		return r.entry.Class
	}
	return catalog.ClassUnknown
}

// hints are the records a record's vendor hints fall back to: for a span
// event its span, and the resource. Resource attributes are only read.
type hints struct {
	span     pcommon.Map
	hasSpan  bool
	resource pcommon.Map
}

// scratch is what resolution remembers between the records of one batch:
// the last vendor name and host looked up, and the current resource's
// answers. It lives on the stack of the call that walks the batch.
type scratch struct {
	memo hintMemo
	res  resourceHints
	// probe reads payloads, taken from a pool by the batch's first record
	// that has one.
	probe *probe
	// hint is what the current record's hints name, read once for all the
	// places a code may be (recordHint).
	hint recordHint
}

// recordHint is what a record's vendor and host attributes name: the
// vendor, whether a vendor attribute answered (nil: a vendor the catalog
// does not have), and how many values named nothing.
type recordHint struct {
	read     bool
	vendor   *catalog.Vendor
	answered bool
	skipped  int
}

// recordHint returns what the record's hints name, reading them on first
// use: the places a code may be share one reading.
func (s *state) recordHint(attrs pcommon.Map, h *hints, sc *scratch) *recordHint {
	rh := &sc.hint
	if !rh.read {
		rh.read = true
		rh.vendor, rh.answered, rh.skipped = s.vendorHint(attrs, h, sc)
	}
	return rh
}

// resourceHints keeps what a resource's vendor and host attributes
// answered once read: every record of a resource falls back to the same
// attributes, and resources carry many (service.*, host.*, process.*,
// k8s.*). It lives in the batch's scratch, reset for each resource, rather
// than behind a pointer in hints, so that it stays on the stack.
type resourceHints struct {
	byName, byHost resourceAnswer
}

type resourceAnswer struct {
	read     bool
	vendor   *catalog.Vendor
	answered bool
	// skipped is how many values the read skipped as naming nothing; each
	// record that uses the answer reports them, as if it had read them.
	skipped int
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

// probeSeen is what readCodeAndPayload's pass learned of the attributes
// the places a code may be are read from, so that a record without any
// costs no lookup of them.
type probeSeen struct {
	// known is false when the attributes were not all passed over (few
	// code keys, read with one Get each): each place is then looked up.
	known bool
	mask  uint8
}

// Bits of probeSeen.mask.
const (
	seenMap           uint8 = 1 << iota // a map-valued attribute
	seenStringPayload                   // a configured string payload attribute holding a JSON object
	seenErrorType                       // error.type
	seenText                            // a configured text attribute
)

// readCodeAndPayload is readCode, and, when the code keys are read with
// one pass over the attributes, whether an attribute may be a payload:
// that pass looks at every attribute anyway, and so tells it for almost
// nothing more.
func (s *state) readCodeAndPayload(attrs pcommon.Map) (catalog.Code, int, int, bool, probeSeen) {
	if s.scanByLen != nil {
		return s.scanCode(attrs)
	}
	var (
		c       catalog.Code
		key     int
		skipped int
		ok      bool
	)
	switch {
	case s.scanByLen != nil:
		return s.scanCode(attrs)
	case s.scanByKey != nil:
		c, key, skipped, ok = s.scanCodeMany(attrs)
	default:
		c, key, skipped, ok = s.getCode(attrs)
	}
	return c, key, skipped, ok, probeSeen{}
}

// getCode is readCode with one Get per key, for short key lists.
func (s *state) getCode(attrs pcommon.Map) (catalog.Code, int, int, bool) {
	skipped := 0
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

// codeScan is the state of one pass over a record's attributes: the code
// at the earliest key position so far, and the keys seen and holding a
// value that is not a code, by position.
type codeScan struct {
	best    int
	code    catalog.Code
	seen    uint64
	nonCode uint64
	// probed is what the pass saw of the probed attributes (probeSeen).
	probed uint8
}

// scanCode is readCode with one pass over the attributes, for long key
// lists: each attribute is matched against the keys of its length only.
// Like Get, the first occurrence of a key repeated in the map counts.
func (s *state) scanCode(attrs pcommon.Map) (catalog.Code, int, int, bool, probeSeen) {
	sc := codeScan{best: len(s.codeKeys)}
	// Most attributes fail the length test, which reads no key bytes; most
	// of the rest fail the first-byte test. Matching is out of line so
	// that this loop, which runs for every attribute of every record,
	// keeps its few variables in registers. A map-valued attribute is
	// told by one comparison of the value's type.
	maps := s.payloads.enabled && s.payloads.mapAttributes
	for k, v := range attrs.All() {
		if s.mayBeCodeKey(k) {
			s.scanKey(&sc, k, v)
		}
		if maps && v.Map() != (pcommon.Map{}) {
			sc.probed |= seenMap
		}
	}
	seen := probeSeen{known: true, mask: sc.probed}
	if sc.best == len(s.codeKeys) {
		return catalog.Code{}, -1, bits.OnesCount64(sc.nonCode), false, seen
	}
	return sc.code, sc.best, bits.OnesCount64(sc.nonCode & (uint64(1)<<sc.best - 1)), true, seen
}

// mayBeCodeKey reports whether some code key has k's length and first
// byte: a quick filter, without false negatives, before matching k.
func (s *state) mayBeCodeKey(k string) bool {
	n := len(k)
	if n == 0 || n >= scanMaxLen || s.scanLens[n>>6]&(1<<(n&63)) == 0 {
		return false
	}
	c := k[0]
	return s.scanFirst[c>>6]&(1<<(c&63)) != 0
}

// scanKey matches one attribute against the code keys of its length, and
// against the string attributes read as payloads.
func (s *state) scanKey(sc *codeScan, k string, v pcommon.Value) {
	if len(k) >= len(s.scanByLen) {
		s.scanPayloadKey(sc, k, v) // longer than every code key
		return
	}
	for _, i := range s.scanByLen[len(k)] {
		if s.codeKeys[i].key != k {
			continue
		}
		bit := uint64(1) << i
		if sc.seen&bit != 0 {
			return
		}
		sc.seen |= bit
		if int(i) < sc.best {
			if c, ok := codeOf(v); ok {
				sc.best, sc.code = int(i), c
			} else {
				sc.nonCode |= bit
			}
		}
		return
	}
	s.scanPayloadKey(sc, k, v)
}

// scanPayloadKey notes an attribute a place a code may be is read from:
// a configured string payload attribute holding a JSON object, error.type,
// a configured text attribute.
func (s *state) scanPayloadKey(sc *codeScan, k string, v pcommon.Value) {
	if len(k) >= len(s.probeByLen) {
		return
	}
	for _, pk := range s.probeByLen[len(k)] {
		if pk.key != k {
			continue
		}
		if pk.bit == seenStringPayload && !looksLikeObject(v.Str()) {
			continue
		}
		sc.probed |= pk.bit
	}
}

// probeKey is an attribute a place a code may be is read from, and its
// bit in probeSeen.
type probeKey struct {
	key string
	bit uint8
}

// buildProbeIndex indexes the probed attributes by length, as the code
// keys are (scanByLen), so the pass over a record's attributes matches each
// only against the few of its length.
func (st *state) buildProbeIndex() {
	var keys []probeKey
	if st.payloads.enabled {
		for _, k := range st.payloads.stringKeys {
			keys = append(keys, probeKey{k, seenStringPayload})
		}
	}
	if st.errorType {
		keys = append(keys, probeKey{config.ErrorTypeAttribute, seenErrorType})
	}
	for _, k := range st.text.keys {
		keys = append(keys, probeKey{k, seenText})
	}
	maxLen := 0
	for _, k := range keys {
		maxLen = max(maxLen, len(k.key))
	}
	st.probeByLen = make([][]probeKey, maxLen+1)
	for _, k := range keys {
		st.probeByLen[len(k.key)] = append(st.probeByLen[len(k.key)], k)
	}
}

// scanManySeen is how many distinct code keys one record may hold for
// scanCodeMany to track them; a record holding more is read with getCode.
const scanManySeen = 8

// codeScanMany is codeScan for key lists too long for a bit mask: the
// positions of the keys seen, in the order seen.
type codeScanMany struct {
	best     int
	code     catalog.Code
	n        int
	seen     [scanManySeen]int
	nonCode  [scanManySeen]bool
	overflow bool
}

// scanCodeMany is readCode for key lists longer than scanMaxKeys, such as
// the default list of a catalog with hundreds of vendors (one key per
// vendor): one pass over the attributes and one map probe for each
// attribute whose length some key has, whatever the number of keys.
func (s *state) scanCodeMany(attrs pcommon.Map) (catalog.Code, int, int, bool) {
	sc := codeScanMany{best: len(s.codeKeys)}
	for k, v := range attrs.All() {
		if s.mayBeCodeKey(k) {
			s.scanKeyMany(&sc, k, v)
		}
	}
	if sc.overflow {
		return s.getCode(attrs)
	}
	skipped := 0
	for j := 0; j < sc.n; j++ {
		if sc.nonCode[j] && sc.seen[j] < sc.best {
			skipped++
		}
	}
	if sc.best == len(s.codeKeys) {
		return catalog.Code{}, -1, skipped, false
	}
	return sc.code, sc.best, skipped, true
}

// scanKeyMany matches one attribute against the code keys.
func (s *state) scanKeyMany(sc *codeScanMany, k string, v pcommon.Value) {
	i, ok := s.scanByKey[k]
	if !ok || sc.overflow {
		return
	}
	for j := 0; j < sc.n; j++ {
		if sc.seen[j] == i {
			return // a repeated key: its first occurrence counts
		}
	}
	if sc.n == scanManySeen {
		sc.overflow = true
		return
	}
	sc.seen[sc.n] = i
	if i < sc.best {
		if c, ok := codeOf(v); ok {
			sc.best, sc.code = i, c
		} else {
			sc.nonCode[sc.n] = true
		}
	}
	sc.n++
}

// resolve reads a record's code and resolves its vendor and entry, in
// this order: the code attribute's bound vendor; a vendor attribute; a
// host attribute; inference from the code alone. Vendor hints are looked
// for on the record, then (span events) its span, then the resource: each
// kind of hint on every level before the next kind, so a vendor attribute
// anywhere outranks a host. It only reports what it found; the caller
// counts it.
func (s *state) resolve(attrs pcommon.Map, h *hints, sc *scratch) result {
	code, key, skipped, ok, payload := s.readCodeAndPayload(attrs)
	if !ok {
		return result{skippedCodes: skipped, seen: payload}
	}
	r := result{skippedCodes: skipped}
	vendor := s.codeKeys[key].vendor
	if vendor == nil {
		var answered bool
		vendor, answered, r.skippedVendors = s.vendorHint(attrs, h, sc)
		if answered && vendor == nil {
			// A vendor we do not know: guessing from the code alone would
			// label another vendor's code.
			r.outcome = outcomeUnknownVendor
			return r
		}
	}
	if vendor != nil {
		r.vendor = vendor
		if e, ok := s.index.Lookup(vendor, code); ok {
			r.outcome, r.entry = outcomeFound, e
		} else {
			r.outcome = outcomeUnknownCode
		}
		return r
	}
	if !s.infer {
		r.outcome = outcomeUnresolved
		return r
	}
	switch e, n := s.index.Infer(code); {
	case n == 1 && e != nil:
		r.outcome, r.vendor, r.entry = outcomeFound, e.Vendor, e
	case n > 1:
		r.outcome = outcomeAmbiguous
	default:
		r.outcome = outcomeUnresolved
	}
	return r
}

// vendorHint returns the vendor the record's hints name. answered is true
// when a vendor attribute names something: the vendor, or nil for a name
// the catalog does not have. A host that matches no pattern does not
// answer. skipped is how many vendor attributes named nothing.
func (s *state) vendorHint(attrs pcommon.Map, h *hints, sc *scratch) (v *catalog.Vendor, answered bool, skipped int) {
	if s.hintByLen != nil {
		return s.vendorHintScan(attrs, h, sc)
	}
	return s.vendorHintGet(attrs, h, sc)
}

// vendorHintScan is vendorHint with the record's (and span's) vendor and
// host attributes read in one pass over each, instead of one Get per key.
func (s *state) vendorHintScan(attrs pcommon.Map, h *hints, sc *scratch) (*catalog.Vendor, bool, int) {
	var rec, span mapHints
	s.readHints(attrs, &rec)
	spanRead := false
	skipped := 0
	if len(s.vendorKeys) > 0 {
		v, ok, n := s.nameOf(&rec, sc)
		skipped += n
		if ok {
			return v, true, skipped
		}
		if h.hasSpan {
			s.readHints(h.span, &span)
			spanRead = true
			v, ok, n = s.nameOf(&span, sc)
			skipped += n
			if ok {
				return v, true, skipped
			}
		}
		v, ok, n = s.resourceByName(h, sc)
		skipped += n
		if ok {
			return v, true, skipped
		}
	}
	if len(s.hostKeys) > 0 {
		if v, ok := s.hostOf(&rec, sc); ok {
			return v, true, skipped
		}
		if h.hasSpan {
			if !spanRead {
				s.readHints(h.span, &span)
			}
			if v, ok := s.hostOf(&span, sc); ok {
				return v, true, skipped
			}
		}
		if v, ok := s.resourceByHost(h, sc); ok {
			return v, true, skipped
		}
	}
	return nil, false, skipped
}

// maxHintKeys bounds how many vendor and host attributes, together, are
// read in one pass; longer lists are read with one Get per key.
const maxHintKeys = 8

// mapHints are the values of one map's vendor and host attributes: position
// i holds vendorKeys[i], position len(vendorKeys)+j holds hostKeys[j], each
// the key's first occurrence, as Get finds it.
type mapHints struct {
	vals [maxHintKeys]pcommon.Value
	set  uint16
}

// hintKey is a vendor or host attribute's position in mapHints.
type hintKey struct {
	key string
	pos uint8
}

// readHints reads m's vendor and host attributes in one pass.
func (s *state) readHints(m pcommon.Map, out *mapHints) {
	for k, v := range m.All() {
		if n := len(k); n > 0 && n < scanMaxLen && s.hintLens[n>>6]&(1<<(n&63)) != 0 &&
			s.hintFirst[k[0]>>6]&(1<<(k[0]&63)) != 0 {
			s.matchHint(out, k, v)
		}
	}
}

// matchHint matches one attribute against the vendor and host attributes
// of its length. A key may be both a vendor and a host attribute: every
// position it holds is filled.
func (s *state) matchHint(out *mapHints, k string, v pcommon.Value) {
	for _, hk := range s.hintByLen[len(k)] {
		if hk.key != k {
			continue
		}
		if bit := uint16(1) << hk.pos; out.set&bit == 0 {
			out.set |= bit
			out.vals[hk.pos] = v
		}
	}
}

// nameOf is vendorByName over the values readHints read.
func (s *state) nameOf(hv *mapHints, sc *scratch) (*catalog.Vendor, bool, int) {
	skipped := 0
	for i := range s.vendorKeys {
		if hv.set&(1<<i) == 0 {
			continue
		}
		v := hv.vals[i]
		if v.Type() != pcommon.ValueTypeStr || isBlank(v.Str()) {
			skipped++
			continue
		}
		vendor, _ := sc.memo.vendorByName(s.index, v.Str())
		return vendor, true, skipped
	}
	return nil, false, skipped
}

// hostOf is vendorByHost over the values readHints read.
func (s *state) hostOf(hv *mapHints, sc *scratch) (*catalog.Vendor, bool) {
	for j := range s.hostKeys {
		i := len(s.vendorKeys) + j
		if hv.set&(1<<i) == 0 {
			continue
		}
		v := hv.vals[i]
		if v.Type() != pcommon.ValueTypeStr {
			continue
		}
		if vendor, ok := sc.memo.vendorByHost(s.index, v.Str()); ok {
			return vendor, true
		}
	}
	return nil, false
}

// vendorHintGet is vendorHint with one Get per key.
func (s *state) vendorHintGet(attrs pcommon.Map, h *hints, sc *scratch) (*catalog.Vendor, bool, int) {
	skipped := 0
	if len(s.vendorKeys) > 0 {
		v, ok, n := s.vendorByName(attrs, sc)
		skipped += n
		if ok {
			return v, true, skipped
		}
		if h.hasSpan {
			v, ok, n = s.vendorByName(h.span, sc)
			skipped += n
			if ok {
				return v, true, skipped
			}
		}
		v, ok, n = s.resourceByName(h, sc)
		skipped += n
		if ok {
			return v, true, skipped
		}
	}
	if len(s.hostKeys) > 0 {
		if v, ok := s.vendorByHost(attrs, sc); ok {
			return v, true, skipped
		}
		if h.hasSpan {
			if v, ok := s.vendorByHost(h.span, sc); ok {
				return v, true, skipped
			}
		}
		if v, ok := s.resourceByHost(h, sc); ok {
			return v, true, skipped
		}
	}
	return nil, false, skipped
}

// resourceByName is vendorByName of the resource, read once per resource;
// every record that falls back to it reports the values it skipped.
func (s *state) resourceByName(h *hints, sc *scratch) (*catalog.Vendor, bool, int) {
	a := &sc.res.byName
	if !a.read {
		a.vendor, a.answered, a.skipped = s.vendorByName(h.resource, sc)
		a.read = true
	}
	return a.vendor, a.answered, a.skipped
}

// resourceByHost is vendorByHost of the resource, read once per resource.
func (s *state) resourceByHost(h *hints, sc *scratch) (*catalog.Vendor, bool) {
	a := &sc.res.byHost
	if !a.read {
		a.vendor, a.answered = s.vendorByHost(h.resource, sc)
		a.read = true
	}
	return a.vendor, a.answered
}

// vendorByName reads the vendor attributes of one map. A string naming a
// catalog vendor (id or alias) answers with it; any other non-empty string
// answers with nil (an unknown vendor). A value that is not a string, or an
// empty one, names nothing: it is skipped and reported in skipped.
func (s *state) vendorByName(m pcommon.Map, sc *scratch) (v *catalog.Vendor, answered bool, skipped int) {
	for _, k := range s.vendorKeys {
		val, ok := m.Get(k)
		if !ok {
			continue
		}
		if val.Type() != pcommon.ValueTypeStr || isBlank(val.Str()) {
			skipped++
			continue
		}
		vendor, _ := sc.memo.vendorByName(s.index, val.Str())
		return vendor, true, skipped
	}
	return nil, false, skipped
}

// vendorByHost reads the host attributes of one map and answers with the
// first whose host matches a catalog host pattern.
func (s *state) vendorByHost(m pcommon.Map, sc *scratch) (*catalog.Vendor, bool) {
	for _, k := range s.hostKeys {
		v, ok := m.Get(k)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		if vendor, ok := sc.memo.vendorByHost(s.index, v.Str()); ok {
			return vendor, true
		}
	}
	return nil, false
}

// hintMemo remembers the last vendor name and the last host a batch looked
// up, with their answers. The records of a batch mostly name the same
// vendor or call the same host, and comparing two strings costs less than
// folding, parsing and looking them up again. The zero memo holds the
// answers for "", which names no vendor and no host.
type hintMemo struct {
	name       string
	nameVendor *catalog.Vendor
	nameOK     bool
	host       string
	hostVendor *catalog.Vendor
	hostOK     bool
}

// vendorByName is ix.VendorByName(name), remembered.
func (m *hintMemo) vendorByName(ix *catalog.Index, name string) (*catalog.Vendor, bool) {
	if name != m.name {
		m.name = name
		m.nameVendor, m.nameOK = ix.VendorByName(name)
	}
	return m.nameVendor, m.nameOK
}

// vendorByHost is ix.VendorByHost(host), remembered.
func (m *hintMemo) vendorByHost(ix *catalog.Index, host string) (*catalog.Vendor, bool) {
	if host != m.host {
		m.host = host
		m.hostVendor, m.hostOK = ix.VendorByHost(host)
	}
	return m.hostVendor, m.hostOK
}

// isBlank reports whether s is empty once trimmed of white space the way
// the index trims vendor names (Unicode white space such as U+00A0
// included): such a value names nothing, rather than an unknown vendor.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
