package processor

import (
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
	"github.com/errorcatalog/errorcatalogprocessor/internal/jsonscan"
)

// Payloads are places a code may be: the vendor error responses services
// log. They are read only when no code attribute holds a code; a catalog
// hit at a path a vendor declares writes the usual attributes, anything
// else writes nothing and is counted.

// payloadSource is where a payload was found, the `source` label.
type payloadSource uint8

const (
	sourceBody payloadSource = iota
	sourceMapAttribute
	sourceStringAttribute
	sourceErrorType
	sourceExceptionText
	sourceHTTPStatus
	numPayloadSources
)

var payloadSourceNames = [numPayloadSources]string{
	"log_body", "map_attribute", "string_attribute", "error_type", "exception_text", "http_status",
}

// payloadResult is how reading one payload ended, the `result` label.
type payloadResult uint8

const (
	// payloadMatch: a code at a declared path, in that vendor's catalog.
	payloadMatch payloadResult = iota
	// payloadNoMatch: the payload holds no such code.
	payloadNoMatch
	// payloadAmbiguous: a numeric code at a path several vendors declare,
	// and nothing to tell which vendor sent it.
	payloadAmbiguous
	// payloadConflict: the payload holds codes of different entries.
	payloadConflict
	// payloadInvalid: a string payload that is not JSON.
	payloadInvalid
	// payloadTooLarge, payloadTooDeep, payloadTooManyKeys: over a limit;
	// the payload is not read further.
	payloadTooLarge
	payloadTooDeep
	payloadTooManyKeys
	numPayloadResults
)

var payloadResultNames = [numPayloadResults]string{
	"match", "no_match", "ambiguous", "conflict", "invalid_json", "too_large", "too_deep", "too_many_keys",
}

// maxEmbedded bounds how many JSON objects written into strings are read
// inside one payload, and maxEmbedDepth how deep such strings nest.
const (
	maxEmbedded   = 4
	maxEmbedDepth = 2
)

// payloadPlan is what the state knows about payloads: whether and where to
// look, the limits, and the keys the catalogs' response paths end in.
type payloadPlan struct {
	enabled, logBody, mapAttributes bool
	stringKeys                      []string
	limits                          jsonscan.Limits
	wanted                          []string
}

func newPayloadPlan(p config.PayloadsConfig, ix *catalog.Index) payloadPlan {
	wanted := ix.ResponseLastKeys()
	return payloadPlan{
		enabled:       p.Enabled && len(wanted) > 0,
		logBody:       p.LogBody,
		mapAttributes: p.MapAttributes,
		stringKeys:    p.StringAttributes,
		limits:        jsonscan.Limits{MaxBytes: p.MaxBytes, MaxDepth: p.MaxDepth, MaxItems: p.MaxKeys},
		wanted:        wanted,
	}
}

// payloadTally is the outcomes of the payloads read, by source: the probe
// adds to it, and the batch recorder takes the counts from it (count).
type payloadTally [numPayloadSources][numPayloadResults]uint32

// probe reads one record's payloads: the vendor the record's hints name,
// what was found so far, and the buffers its walks share. One probe serves
// the records of a batch; probes come from a pool, because the JSON
// scanner holds the probe as its visitor, which puts it on the heap.
type probe struct {
	s     *state
	tally payloadTally

	hintVendor   *catalog.Vendor
	hintAnswered bool

	// entry is the match so far; conflict is set when another entry was
	// found in the same payload.
	entry    *catalog.Entry
	conflict bool
	// ambiguous is set when a candidate could not name its vendor.
	ambiguous bool

	keys     [jsonscan.MaxDepth + 1]string
	items    int
	limit    payloadResult // the limit a walk ran into, or payloadMatch for none
	embedded int
	depth    int // embedding depth of the JSON being scanned
	buf      []byte
	// scanners are the JSON scanners of the payload and of the objects
	// written into its strings, one per embedding depth: a scanner holds
	// the path it reports to the probe, so it lives here rather than on
	// the stack, where it would move to the heap for every scan.
	scanners [maxEmbedDepth + 1]jsonscan.Scanner
}

var probes = sync.Pool{New: func() any { return new(probe) }}

// probe returns the batch's probe, taking one from the pool on first use.
func (sc *scratch) getProbe(s *state) *probe {
	if sc.probe == nil {
		sc.probe = probes.Get().(*probe)
		sc.probe.s = s
	}
	return sc.probe
}

// releaseProbe returns the batch's probe to the pool once its tally was
// recorded.
func (sc *scratch) releaseProbe() {
	if pr := sc.probe; pr != nil {
		pr.s, pr.hintVendor, pr.entry = nil, nil, nil
		clear(pr.keys[:])
		for i := range pr.scanners {
			pr.scanners[i].Wanted = nil
		}
		pr.buf = pr.buf[:0]
		probes.Put(pr)
		sc.probe = nil
	}
}

// mayHavePayload reports whether a record may carry a payload: a log body
// that is a map or a JSON object, a map-valued attribute, or a configured
// string attribute holding a JSON object. Most records carry none, and
// this is all they pay: one look at the body, and what reading the code
// attributes already learned of the others (seen).
func (s *state) mayHavePayload(attrs pcommon.Map, body *pcommon.Value, seen probeSeen) bool {
	if body != nil && s.payloads.logBody {
		// Map and Str are one type comparison each; Type would be several.
		if body.Map() != (pcommon.Map{}) || looksLikeObject(body.Str()) {
			return true
		}
	}
	if seen.known {
		return seen.mask&(seenMap|seenStringPayload) != 0
	}
	return s.hasPayloadAttribute(attrs)
}

// hasPayloadAttribute reports whether some attribute may be a payload.
func (s *state) hasPayloadAttribute(attrs pcommon.Map) bool {
	pl := &s.payloads
	if !pl.mapAttributes && len(pl.stringKeys) == 0 {
		return false
	}
	for k, v := range attrs.All() {
		switch v.Type() {
		case pcommon.ValueTypeMap:
			if pl.mapAttributes {
				return true
			}
		case pcommon.ValueTypeStr:
			if len(pl.stringKeys) > 0 && s.isStringPayloadKey(k) && looksLikeObject(v.Str()) {
				return true
			}
		}
	}
	return false
}

// readPayloads looks for a vendor error response in the record's payloads,
// in order: the log body, map-valued attributes, the configured string
// attributes; the first payload with a match wins. The record's
// hints are read first: a payload's code counts only for the vendor they
// name, when they name one.
func (s *state) readPayloads(attrs pcommon.Map, body *pcommon.Value, h *hints, sc *scratch) result {
	pl := &s.payloads
	pr := sc.getProbe(s)
	rh := s.recordHint(attrs, h, sc)
	pr.hintVendor, pr.hintAnswered = rh.vendor, rh.answered
	pr.reset()
	found := func(src payloadSource) bool {
		res := pr.outcome()
		pr.tally[src][res]++
		return res == payloadMatch
	}
	matched := false
	if body != nil && pl.logBody {
		switch body.Type() {
		case pcommon.ValueTypeMap:
			pr.walkMap(body.Map(), 0)
			matched = found(sourceBody)
		case pcommon.ValueTypeStr:
			if str := body.Str(); looksLikeObject(str) {
				pr.scanJSON(str)
				matched = found(sourceBody)
			}
		}
	}
	if !matched {
		for k, v := range attrs.All() {
			switch v.Type() {
			case pcommon.ValueTypeMap:
				if !pl.mapAttributes {
					continue
				}
				pr.reset()
				pr.walkMap(v.Map(), 0)
				matched = found(sourceMapAttribute)
			case pcommon.ValueTypeStr:
				if !s.isStringPayloadKey(k) || !looksLikeObject(v.Str()) {
					continue
				}
				pr.reset()
				pr.scanJSON(v.Str())
				matched = found(sourceStringAttribute)
			}
			if matched {
				break
			}
		}
	}
	var r result
	if matched {
		e := pr.entry
		r.outcome, r.vendor, r.entry = outcomeFound, e.Vendor, e
	}
	return r
}

// isStringPayloadKey reports whether k is a configured string attribute.
func (s *state) isStringPayloadKey(k string) bool {
	for _, sk := range s.payloads.stringKeys {
		if len(sk) == len(k) && sk == k {
			return true
		}
	}
	return false
}

// looksLikeObject reports whether s's first byte after white space is '{'.
func looksLikeObject(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// outcome is the result of the payload just read.
func (pr *probe) outcome() payloadResult {
	switch {
	case pr.limit != payloadMatch:
		return pr.limit
	case pr.conflict:
		return payloadConflict
	case pr.entry != nil:
		return payloadMatch
	case pr.ambiguous:
		return payloadAmbiguous
	}
	return payloadNoMatch
}

// reset forgets what the last payload held; the hints stay read.
func (pr *probe) reset() {
	pr.entry, pr.conflict, pr.ambiguous = nil, false, false
	pr.items, pr.limit, pr.embedded, pr.depth = 0, payloadMatch, 0, 0
}

// mapPath is the keys of a map walk, for matching response paths.
type mapPath struct {
	keys *[jsonscan.MaxDepth + 1]string
	n    int
}

func (p mapPath) Len() int         { return p.n }
func (p mapPath) Key(i int) string { return p.keys[i] }

// keyPath is a path of keys a response path is matched against.
type keyPath interface {
	Len() int
	Key(i int) string
}

// walkMap walks a map payload: the keys of nested maps, the maps in
// slices, and JSON objects written into strings, within the limits. Level
// 0 is the payload itself, whose key is "".
func (pr *probe) walkMap(m pcommon.Map, depth int) {
	lim := &pr.s.payloads.limits
	if depth >= lim.MaxDepth {
		pr.limit = payloadTooDeep
		return
	}
	if depth == 0 {
		pr.keys[0] = "" // the payload itself
	}
	for k, v := range m.All() {
		if pr.limit != payloadMatch {
			return
		}
		if pr.items++; pr.items > lim.MaxItems {
			pr.limit = payloadTooManyKeys
			return
		}
		pr.keys[depth+1] = k
		pr.value(k, v, depth+1)
	}
}

// value handles one value of a map walk at level depth, under key k.
func (pr *probe) value(k string, v pcommon.Value, depth int) {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		pr.walkMap(v.Map(), depth)
		return
	case pcommon.ValueTypeSlice:
		lim := &pr.s.payloads.limits
		if depth >= lim.MaxDepth {
			pr.limit = payloadTooDeep
			return
		}
		for _, e := range v.Slice().All() {
			if pr.limit != payloadMatch {
				return
			}
			if pr.items++; pr.items > lim.MaxItems {
				pr.limit = payloadTooManyKeys
				return
			}
			pr.keys[depth+1] = ""
			pr.value("", e, depth+1)
		}
		return
	case pcommon.ValueTypeStr:
		if str := v.Str(); looksLikeObject(str) {
			pr.scanEmbedded(str)
			return
		}
	}
	if k == "" || !pr.wanted(k) {
		return
	}
	if c, ok := codeOf(v); ok {
		pr.candidate(mapPath{keys: &pr.keys, n: depth + 1}, c)
	}
}

func (pr *probe) wanted(k string) bool {
	for _, w := range pr.s.payloads.wanted {
		if len(w) == len(k) && w == k {
			return true
		}
	}
	return false
}

// scanJSON reads a string payload. What it found counts only when the
// whole text is JSON within the limits.
func (pr *probe) scanJSON(text string) {
	switch pr.scanner(0).Scan(text, pr) {
	case jsonscan.OK, jsonscan.Stopped:
		return
	case jsonscan.TooLarge:
		pr.limit = payloadTooLarge
	case jsonscan.TooDeep:
		pr.limit = payloadTooDeep
	case jsonscan.TooManyItems:
		pr.limit = payloadTooManyKeys
	default:
		pr.limit = payloadInvalid
	}
	pr.entry, pr.conflict, pr.ambiguous = nil, false, false
}

// scanEmbedded reads a JSON object written into a string inside a
// payload. One that is not JSON is only text: it does not spoil the
// payload around it.
func (pr *probe) scanEmbedded(text string) {
	if pr.embedded >= maxEmbedded || pr.depth >= maxEmbedDepth {
		return
	}
	pr.embedded++
	pr.depth++
	defer func() { pr.depth-- }()
	entry, conflict, ambiguous := pr.entry, pr.conflict, pr.ambiguous
	if pr.scanner(pr.depth).Scan(text, pr) != jsonscan.OK {
		pr.entry, pr.conflict, pr.ambiguous = entry, conflict, ambiguous
	}
}

// scanner returns the scanner of embedding depth d, set up for the state.
func (pr *probe) scanner(d int) *jsonscan.Scanner {
	sc := &pr.scanners[d]
	sc.Limits, sc.Wanted, sc.Embedded = pr.s.payloads.limits, pr.s.payloads.wanted, true
	return sc
}

// Visit is the JSON scanner's visitor.
func (pr *probe) Visit(p *jsonscan.Path, v jsonscan.Scalar) bool {
	switch v.Kind {
	case jsonscan.Embedded:
		if !v.Escaped {
			pr.scanEmbedded(v.Raw)
			return true
		}
		if pr.embedded >= maxEmbedded || pr.depth >= maxEmbedDepth {
			return true
		}
		buf, ok := jsonscan.Unescape(pr.buf[:0], v.Raw)
		pr.buf = buf
		if ok {
			// The buffer is reused: scan a string that does not alias it.
			pr.scanEmbedded(string(buf))
		}
		return true
	case jsonscan.String:
		if v.Escaped {
			return true // codes are written without escapes
		}
		if c, ok := catalog.StringCode(v.Raw); ok {
			pr.candidate(p, c)
		}
	case jsonscan.Number:
		if c, ok := numberCode(v.Raw); ok {
			pr.candidate(p, c)
		}
	}
	return true
}

// numberCode reads a JSON number as a code: an integer, or a number that
// is integral and within int64 (1e2, 414.0); not 1e400 or 2.5.
func numberCode(raw string) (catalog.Code, bool) {
	if !strings.ContainsAny(raw, ".eE") {
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return catalog.IntCode(n), true
		}
		return catalog.Code{}, false
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return catalog.Code{}, false
	}
	return catalog.FloatCode(f)
}

// candidate considers a code found at path p: it counts when a response
// path some vendors declare ends the path, and the code is an entry of
// the vendor the record's hints, the path or the code itself name.
func (pr *probe) candidate(p keyPath, c catalog.Code) {
	n := p.Len()
	last := p.Key(n - 1)
	for _, rp := range pr.s.index.ResponsePathsEndingIn(last) {
		if len(rp.Keys) > n-1 || !suffixMatches(p, rp.Keys) {
			continue
		}
		if e := pr.resolve(rp, c); e != nil {
			switch {
			case pr.entry == nil:
				pr.entry = e
			case pr.entry != e:
				pr.conflict = true
			}
		}
	}
}

// suffixMatches reports whether the last keys of p are keys.
func suffixMatches(p keyPath, keys []string) bool {
	n := p.Len()
	for i, k := range keys {
		if p.Key(n-len(keys)+i) != k {
			return false
		}
	}
	return true
}

// resolve returns the entry of code c at response path rp, or nil. The
// vendor is the one the record's hints name, when it declares rp; else
// the only vendor declaring rp; else, for a symbolic code, the only one of
// them whose catalog has it. A numeric code at a path several vendors
// share, with no hint, is ambiguous.
func (pr *probe) resolve(rp *catalog.ResponsePath, c catalog.Code) *catalog.Entry {
	ix := pr.s.index
	if pr.hintAnswered {
		if pr.hintVendor == nil {
			return nil // a vendor the catalog does not have: never guess
		}
		for _, v := range rp.Vendors {
			if v == pr.hintVendor {
				e, _ := ix.Lookup(v, c)
				return e
			}
		}
		return nil // the named vendor does not answer at this path
	}
	if len(rp.Vendors) == 1 {
		e, _ := ix.Lookup(rp.Vendors[0], c)
		return e
	}
	if _, numeric := c.Int(); numeric {
		for _, v := range rp.Vendors {
			if _, ok := ix.Lookup(v, c); ok {
				pr.ambiguous = true
				break
			}
		}
		return nil
	}
	var found *catalog.Entry
	for _, v := range rp.Vendors {
		if e, ok := ix.Lookup(v, c); ok {
			if found != nil {
				pr.ambiguous = true
				return nil
			}
			found = e
		}
	}
	return found
}
