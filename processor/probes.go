package processor

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// The places a code may be besides code attributes and payloads, read in
// this order when nothing before them found a code: error.type, then the
// exception text, then (opt-in) the HTTP status. Like payloads, they write
// only on a catalog hit, and count every read.

// textPlan is which text attributes are read, and how much of each.
type textPlan struct {
	keys     []string
	maxBytes int
}

// probeOthers reads error.type, the text attributes and the HTTP status of
// a record nothing else found a code for.
func (s *state) probeOthers(attrs pcommon.Map, seen probeSeen, h *hints, sc *scratch, fallback bool) result {
	if s.errorType && (!seen.known || seen.mask&seenErrorType != 0) {
		if v, ok := attrs.Get(config.ErrorTypeAttribute); ok {
			if r, ok := s.probeErrorType(v, attrs, h, sc); ok {
				return r
			}
		}
	}
	if len(s.text.keys) > 0 && (!seen.known || seen.mask&seenText != 0) {
		if r, ok := s.probeText(attrs, h, sc); ok {
			return r
		}
	}
	if s.statusFallback && fallback {
		return s.probeStatus(attrs, h, sc)
	}
	return result{}
}

// namedVendorIn returns the vendor the record's text attributes name,
// when together they name exactly one.
func (s *state) namedVendorIn(attrs pcommon.Map) *catalog.Vendor {
	var named *catalog.Vendor
	for _, k := range s.text.keys {
		v, ok := attrs.Get(k)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		text := v.Str()
		if len(text) > s.text.maxBytes {
			text = text[:s.text.maxBytes]
		}
		if n := s.namedVendor(text); n != nil {
			if named != nil && named != n {
				return nil
			}
			named = n
		}
	}
	return named
}

// mayHaveHint reports whether a hint may name a vendor for the record: a
// vendor or host attribute on it, on its span, or on its resource (read
// once per resource). It is asked only of text that may hold a number, so
// the records that carry no text pay nothing for it.
func (s *state) mayHaveHint(attrs pcommon.Map, h *hints, sc *scratch) bool {
	if h.hasSpan {
		return true
	}
	for _, keys := range [...][]string{s.vendorKeys, s.hostKeys} {
		for _, k := range keys {
			if _, ok := attrs.Get(k); ok {
				return true
			}
		}
	}
	if _, ok, _ := s.resourceByName(h, sc); ok {
		return true
	}
	_, ok := s.resourceByHost(h, sc)
	return ok
}

// probeErrorType reads error.type like a code attribute, but only a
// catalog hit counts, and only for the vendor a hint names. Inference is
// not used: instrumentations put HTTP statuses there ("404") and their
// own error names (axios's ERR_BAD_REQUEST, which CometChat also
// documents), which the code alone would pin on whichever vendor has
// them. A number from 100 to 599 is the HTTP status the semantic
// conventions ask for there, never a code, whatever the vendor.
func (s *state) probeErrorType(v pcommon.Value, attrs pcommon.Map, h *hints, sc *scratch) (result, bool) {
	c, ok := codeOf(v)
	if !ok {
		return result{}, false
	}
	if n, numeric := c.Int(); numeric && n >= 100 && n <= 599 {
		return result{}, false // an HTTP status: not a place a code may be
	}
	pr := sc.getProbe(s)
	vendor := s.recordHint(attrs, h, sc).vendor
	var e *catalog.Entry
	if vendor != nil {
		e, _ = s.index.Lookup(vendor, c)
	}
	if e == nil {
		pr.tally[sourceErrorType][payloadNoMatch]++
		return result{}, false
	}
	pr.tally[sourceErrorType][payloadMatch]++
	return result{outcome: outcomeFound, vendor: e.Vendor, entry: e}, true
}

// textCues are the words that mark the number after them as a vendor's
// code in text: "code: 2601", "error code 414", "errcode=-3",
// `"error_code": 2601`. Not "status 409", "HTTP 403", "error 404" or "line
// 414": those numbers are HTTP statuses and line numbers far more often
// than vendor codes; and not "status code 413", an HTTP status by its
// name (axios: "Request failed with status code 413"), nor "errno", which
// precedes an operating system's error number ("[Errno -3] Temporary
// failure in name resolution").
var textCues = []string{"code", "errcode", "errorcode", "error_code"}

// isCue reports whether w, preceded by w2, marks the next number as a
// code.
func isCue(w, w2 string) bool {
	for _, c := range textCues {
		if strings.EqualFold(w, c) {
			return !strings.EqualFold(w2, "status") // "status code 413" is an HTTP status
		}
	}
	return false
}

// probeText reads the text attributes for codes written as whole tokens:
//   - a symbolic code, exactly as the vendor documents it (ERR_UID_NOT_FOUND,
//     NUMBER_NOT_FOUND), counts when a hint names its vendor or exactly one
//     catalog has it. A code that is one plain word (FORBIDDEN) is an
//     ordinary word of prose too: it counts only with a hint;
//   - a number counts only when a hint names the vendor and a cue word
//     stands right before it (textCues).
//
// Two different entries in one record's text are a conflict: nothing is
// written.
func (s *state) probeText(attrs pcommon.Map, h *hints, sc *scratch) (result, bool) {
	pr := sc.getProbe(s)
	var vendor *catalog.Vendor
	var answered bool
	readHint := func() {
		rh := s.recordHint(attrs, h, sc)
		vendor, answered = rh.vendor, rh.answered
	}
	var found *catalog.Entry
	conflict, read := false, false
	for _, k := range s.text.keys {
		v, ok := attrs.Get(k)
		if !ok || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		read = true
		text := v.Str()
		if len(text) > s.text.maxBytes {
			text = text[:s.text.maxBytes]
		}
		// Most text holds no code. A symbolic code the catalog can have
		// without a hint has an underscore; anything else needs a hint:
		// without an underscore and without a hint, the text is not read.
		if strings.IndexByte(text, '_') < 0 {
			if !s.mayHaveHint(attrs, h, sc) {
				continue
			}
			readHint()
			if vendor == nil {
				continue
			}
		}
		var tz tokenizer
		tz.text = text
		namedRead := false
		var named *catalog.Vendor
		for tz.next() {
			c, ok := textCode(tz.tok)
			if !ok {
				continue
			}
			readHint()
			if vendor == nil && !namedRead {
				namedRead = true
				named = s.namedVendorIn(attrs)
			}
			e := s.textEntry(tz.tok, tz.prev, tz.prev2, c, vendor, answered, named)
			switch {
			case e == nil:
			case found == nil:
				found = e
			case found != e:
				conflict = true
			}
			if conflict {
				break
			}
		}
		if conflict {
			break
		}
	}
	if !read {
		return result{}, false
	}
	switch {
	case conflict:
		pr.tally[sourceExceptionText][payloadConflict]++
	case found == nil:
		pr.tally[sourceExceptionText][payloadNoMatch]++
	default:
		pr.tally[sourceExceptionText][payloadMatch]++
		return result{outcome: outcomeFound, vendor: found.Vendor, entry: found}, true
	}
	return result{}, false
}

// textCode returns the code a token may be: a number, or a symbolic code
// shaped like the catalogs' (upper-case letters, digits, underscores,
// starting with a letter).
func textCode(tok string) (catalog.Code, bool) {
	if tok == "" {
		return catalog.Code{}, false
	}
	if tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9') {
		return catalog.StringCode(tok)
	}
	if tok[0] < 'A' || tok[0] > 'Z' || len(tok) < 3 {
		return catalog.Code{}, false
	}
	for i := 1; i < len(tok); i++ {
		if c := tok[i]; (c < 'A' || c > 'Z') && !isDigit(c) && c != '_' {
			return catalog.Code{}, false
		}
	}
	return catalog.StringCode(tok)
}

// textEntry returns the entry token tok (preceded by words prev and
// prev2) stands for, or nil. named is the vendor the text names, when it
// names exactly one.
func (s *state) textEntry(tok, prev, prev2 string, c catalog.Code, vendor *catalog.Vendor, answered bool, named *catalog.Vendor) *catalog.Entry {
	if answered && vendor == nil {
		return nil // a vendor the catalog does not have: never guess
	}
	if _, numeric := c.Int(); numeric {
		if vendor == nil || !isCue(prev, prev2) {
			return nil
		}
		e, _ := s.index.Lookup(vendor, c)
		return e
	}
	plainWord := strings.IndexByte(tok, '_') < 0
	var e *catalog.Entry
	switch {
	case plainWord && isHTTPStatus(prev):
		return nil // "403 FORBIDDEN": a status's reason phrase
	case vendor != nil:
		e, _ = s.index.Lookup(vendor, c)
	case plainWord:
		return nil // one plain word: only with a hint
	default:
		// Exactly one catalog has the code, and the text names that
		// vendor ("CometChatException: ERR_GUID_NOT_FOUND", "cometchat:
		// ERR_NOT_A_MEMBER"). The code alone is not enough: ERR_BAD_REQUEST
		// is axios's error code as well as CometChat's, RECORD_NOT_FOUND
		// any service's as well as Fone Dynamics'.
		if found, n := s.index.Infer(c); n == 1 && found.Vendor == named {
			e = found
		}
	}
	if e == nil || e.Code != tok {
		return nil // symbolic codes match exactly as documented
	}
	return e
}

// isHTTPStatus reports whether w is a three-digit number from 100 to 599.
func isHTTPStatus(w string) bool {
	return len(w) == 3 && w[0] >= '1' && w[0] <= '5' && isDigit(w[1]) && isDigit(w[2])
}

// namedVendor returns the catalog vendor a text names, when it names
// exactly one: a token that is a vendor's id or alias, or starts with one
// ("CometChatException", "FoneDynamicsApiException"), compared without
// case and ignoring '_' and '-' in the name.
func (s *state) namedVendor(text string) *catalog.Vendor {
	var named *catalog.Vendor
	z := tokenizer{text: text}
	for z.next() {
		if v := s.vendorPrefix(z.tok); v != nil {
			if named != nil && named != v {
				return nil
			}
			named = v
		}
	}
	return named
}

// vendorPrefix returns the vendor whose id or alias tok starts with.
func (s *state) vendorPrefix(tok string) *catalog.Vendor {
	if len(tok) < 4 || !isLetter(tok[0]) {
		return nil
	}
	key := [4]byte{lower(tok[0]), lower(tok[1]), lower(tok[2]), lower(tok[3])}
	for _, n := range s.names[key] {
		if hasNamePrefix(tok, n.name) {
			return n.vendor
		}
	}
	return nil
}

// vendorName is a vendor id or alias as text may spell it: lower-cased,
// without '_', '-' and ' '.
type vendorName struct {
	name   string
	vendor *catalog.Vendor
}

// buildVendorNames indexes the vendors' ids and aliases of at least four
// letters by their first four, for vendorPrefix.
func buildVendorNames(vendors []*catalog.Vendor) map[[4]byte][]vendorName {
	out := map[[4]byte][]vendorName{}
	for _, v := range vendors {
		for _, n := range append([]string{v.ID}, v.Aliases...) {
			var b []byte
			for i := 0; i < len(n); i++ {
				if c := n[i]; c != '_' && c != '-' && c != ' ' {
					b = append(b, lower(c))
				}
			}
			if len(b) < 4 {
				continue
			}
			k := [4]byte{b[0], b[1], b[2], b[3]}
			out[k] = append(out[k], vendorName{name: string(b), vendor: v})
		}
	}
	return out
}

// hasNamePrefix reports whether tok starts with name (lower-cased, without
// separators; see vendorName), without case.
func hasNamePrefix(tok, name string) bool {
	if len(tok) < len(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if lower(tok[i]) != name[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 0x20
	}
	return c
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// tokenizer walks the tokens of a text, each with the word before it:
// runs of letters, digits and underscores, a number keeping a minus sign
// right before it ("-3"). Separators between a cue and its number (" ",
// ":", "=", "#") are skipped; any other character between two words makes
// the second's previous word empty, so "Foo.java:414" has no cue. Quotes
// are skipped too, for codes in JSON written into a message
// (`"error_code": 2601`).
type tokenizer struct {
	text             string
	i                int
	tok, prev, prev2 string
}

// next advances to the next token; it returns false at the end.
func (z *tokenizer) next() bool {
	text := z.text
	i := z.i
	if z.tok != "" {
		z.prev2, z.prev = z.prev, z.tok
	}
	for i < len(text) {
		c := text[i]
		if isWordByte(c) || (c == '-' && i+1 < len(text) && isDigit(text[i+1]) && (i == 0 || !isWordByte(text[i-1]))) {
			break
		}
		switch c {
		case ' ', ':', '=', '#', '\t', '"', '\'':
		default:
			z.prev, z.prev2 = "", ""
		}
		i++
	}
	if i >= len(text) {
		z.i, z.tok = i, ""
		return false
	}
	start := i
	i++
	for i < len(text) && isWordByte(text[i]) {
		i++
	}
	z.i, z.tok = i, text[start:i]
	return true
}

func isWordByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// probeStatus classifies a failed call from its HTTP status when no code
// was found anywhere and a hint (not inference) named the vendor: the
// vendor's documented meaning of the status, or the standard table's. It
// writes everything but the code, which was never seen.
func (s *state) probeStatus(attrs pcommon.Map, h *hints, sc *scratch) result {
	st, ok := statusOf(attrs)
	if !ok {
		return result{}
	}
	vendor := s.recordHint(attrs, h, sc).vendor
	pr := sc.getProbe(s)
	if vendor == nil {
		pr.tally[sourceHTTPStatus][payloadNoMatch]++
		return result{}
	}
	e := catalog.StatusEntry(vendor, st)
	pr.tally[sourceHTTPStatus][payloadMatch]++
	return result{outcome: outcomeFound, vendor: vendor, entry: e, noCode: true}
}

// statusOf returns the record's HTTP response status when it is an
// integer error status (400..599). Strings, doubles and other numbers say
// nothing.
func statusOf(attrs pcommon.Map) (int, bool) {
	for _, k := range config.StatusAttributes() {
		v, ok := attrs.Get(k)
		if !ok {
			continue
		}
		if v.Type() != pcommon.ValueTypeInt {
			return 0, false
		}
		if n := v.Int(); n >= 400 && n <= 599 {
			return int(n), true
		}
		return 0, false
	}
	return 0, false
}
