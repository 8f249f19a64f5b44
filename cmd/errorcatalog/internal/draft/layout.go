package draft

import (
	"regexp"
	"strings"
)

// layout is how a copied table's rows read: the shape of its codes and
// where its HTTP status column is.
type layout struct {
	shape       shape
	statusFirst bool        // "400 -1 Invalid Request …"
	statusAfter bool        // "-1 400 Invalid Request …"
	statusOnly  bool        // the table lists HTTP statuses, not error codes
	count       int         // rows that read as codes
	split       bool        // the text is a short column, then a long one
	titled      bool        // the short column is title-cased ("Invalid Request The request …")
	digits      map[int]int // integer codes: how many rows have codes of each length
	separated   bool        // upper-case codes: nearly all have a separator (ERR_X), so a bare acronym may be text
}

// chooseLayout finds the reading under which most of the table's lines are
// code rows. A table without a header needs three such rows, so that a
// number starting a sentence is not a table.
func chooseLayout(body []line, h header) layout {
	var plain, first, after, headings [len(shapeNames)]int
	for _, l := range body {
		t := strings.Join(strings.Fields(l.text), " ")
		if t == "" {
			continue
		}
		if drop, _ := furniture(t); drop {
			continue
		}
		code, rest, sh := leadCode(t)
		if sh != shapeNone && !titleNotCode(code, sh, t) {
			plain[sh]++
			if l.heading {
				headings[sh]++
			}
			if tok, _, _ := strings.Cut(rest, " "); tok != "" {
				if _, ok := statusToken(tok); ok && sh != shapeInt || ok && isStatusNumber(tok) {
					after[sh]++
				}
			}
		}
		if tok, rest, ok := strings.Cut(t, " "); ok {
			if _, isStatus := statusToken(tok); isStatus {
				if c, _, sh := leadCode(rest); sh != shapeNone && !titleNotCode(c, sh, rest) {
					first[sh]++
				}
			}
		}
	}
	best := func(counts [len(shapeNames)]int) (shape, int) {
		var s shape
		n := 0
		for i := 1; i < len(counts); i++ {
			if counts[i] > n {
				s, n = shape(i), counts[i]
			}
		}
		return s, n
	}
	lay := layout{split: h.textCols >= 2, titled: h.titled}
	lay.shape, lay.count = best(plain)
	if s, n := best(first); n > 0 && n*5 >= lay.count*4 {
		lay.shape, lay.count, lay.statusFirst = s, n, true
	} else if s, n := best(after); h.status && n > 0 && n*5 >= lay.count*4 {
		lay.shape, lay.count, lay.statusAfter = s, n, true
	}
	switch lay.shape {
	case shapeInt:
		digits := map[int]int{} // counted before parse consults it
		for _, l := range body {
			if r, ok := lay.parse(strings.Join(strings.Fields(l.text), " ")); ok {
				digits[len(strings.TrimPrefix(r.Code, "-"))]++
			}
		}
		lay.digits = digits
	case shapeUpper:
		n, sep := 0, 0
		for _, l := range body {
			// Rows whose text runs on in lower case may be a description's
			// lines; the codes are counted from the others.
			if r, ok := lay.parse(strings.Join(strings.Fields(l.text), " ")); ok && (r.Text == "" || !isLower(r.Text[0])) {
				n++
				if strings.ContainsAny(r.Code, "_.-") {
					sep++
				}
			}
		}
		lay.separated = n > 0 && sep*5 >= n*4
	}
	min := 1
	if !h.status && !h.errorCode && headings[lay.shape] < lay.count {
		min = 3 // no header, and the codes are not headings of their own
	}
	if lay.count < min {
		return layout{}
	}
	if lay.shape == shapeInt && !lay.statusFirst && !lay.statusAfter && h.status && !h.errorCode {
		lay.statusOnly = true
		for _, l := range body {
			if r, ok := lay.parse(strings.Join(strings.Fields(l.text), " ")); ok && !isStatusNumber(r.Code) {
				lay.statusOnly = false
			}
		}
	}
	return lay
}

// sentence reports whether a line that starts like a code row is a line of
// a description that runs on: "JSON bodies must be UTF-8 encoded." after
// an ERR_BAD_BODY row, "10 digits and no spaces." after a 1001 row. An
// acronym without a separator, or a number of a length no other code of
// the table has, followed by a lower-case word, is the text's.
func (lay layout) sentence(code string, sh shape, rest string) bool {
	if rest == "" || !isLower(rest[0]) {
		return false
	}
	switch sh {
	case shapeUpper:
		return lay.separated && !strings.ContainsAny(code, "_.-")
	case shapeInt:
		n := len(strings.TrimPrefix(code, "-"))
		return lay.digits != nil && lay.digits[n] <= 1 && n < usualDigits(lay.digits)
	}
	return false
}

// usualDigits is the length most of a table's integer codes have.
func usualDigits(digits map[int]int) int {
	best, n := 0, 0
	for d, c := range digits {
		if c > n || c == n && d > best {
			best, n = d, c
		}
	}
	return best
}

func isStatusNumber(tok string) bool {
	n, ok := statusToken(tok)
	return ok && n > 0
}

// titleNotCode reports whether a line that starts with an upper-case word
// is a title ("API Key Errors"), not a code row: a code without a
// separator, on a short capitalised line with no sentence.
func titleNotCode(code string, sh shape, t string) bool {
	return sh == shapeUpper && !strings.ContainsAny(code, "_.-") && strings.Contains(t, " ") && looksLikeTitle(t)
}

// parse reads a table line as a code row.
func (lay layout) parse(t string) (Row, bool) {
	var r Row
	if lay.statusFirst {
		tok, rest, ok := strings.Cut(t, " ")
		if !ok {
			return r, false
		}
		st, isStatus := statusToken(tok)
		if !isStatus {
			return r, false
		}
		r.Status, t = st, rest
	}
	code, rest, sh := leadCode(t)
	if sh != lay.shape || titleNotCode(code, sh, t) || lay.sentence(code, sh, rest) {
		return Row{}, false
	}
	r.Code, r.shape = code, sh
	if lay.statusAfter {
		tok, after, _ := strings.Cut(rest, " ")
		if st, ok := statusToken(tok); ok {
			r.Status, rest = st, after
		}
	}
	r.Text = separator.ReplaceAllString(rest, "") // "ERR_X – The widget…", "ERR_X: …"
	if lay.split {
		r.Name, r.Text = splitName(rest, lay.titled)
	}
	return r, true
}

// separator is what some pages put between a code and its text.
var separator = regexp.MustCompile(`^(?:[–—:|]|--?)\s+`)

// smallWords stay lower case inside a title, and may sit inside a
// title-cased name ("Primary Email Address In Use", "Out of Range").
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "to": true, "in": true, "on": true,
	"or": true, "and": true, "with": true, "by": true, "at": true, "as": true, "is": true, "not": true,
	"from": true, "per": true, "via": true, "vs": true, "into": true, "no": true,
}

// splitName splits the text of a row whose table has a short column and a
// long one, copied without a separator. A title-cased short column ends at
// the capitalised word that starts the long one's first sentence
// ("Invalid Request | The request is missing…"); a sentence-cased one at a
// capitalised word after a lower-case one or a full stop ("Server error |
// An unspecified error…"). Without such a point, it is all description.
func splitName(text string, titled bool) (name, desc string) {
	ws := strings.Fields(text)
	if len(ws) < 3 {
		return "", text
	}
	if titled {
		for i := 1; i < len(ws) && i <= 9; i++ {
			if !startsLower(ws[i]) || smallWords[strings.ToLower(ws[i])] && i+1 < len(ws) && !startsLower(ws[i+1]) {
				continue
			}
			// ws[i] is the first lower-case word: the sentence starts one before.
			if i >= 2 && capitalised(ws[i-1]) {
				return strings.Join(ws[:i-1], " "), strings.Join(ws[i-1:], " ")
			}
			break
		}
		return "", text
	}
	for i := 1; i < len(ws) && i <= 9; i++ {
		prev := ws[i-1]
		if !capitalised(ws[i]) || allCaps(ws[i]) {
			continue
		}
		if strings.HasSuffix(prev, ".") || startsLower(prev) && !strings.HasSuffix(prev, ",") {
			if i+1 < len(ws) && (startsLower(ws[i+1]) || strings.HasSuffix(ws[i], ".")) {
				return strings.TrimRight(strings.Join(ws[:i], " "), "."), strings.Join(ws[i:], " ")
			}
		}
	}
	return "", text
}

func startsLower(w string) bool { return w != "" && isLower(w[0]) }

// capitalised reports whether w starts with a capital letter.
func capitalised(w string) bool {
	w = strings.TrimLeft(w, `("'“‘`)
	return w != "" && isUpper(w[0])
}

func allCaps(w string) bool {
	letters := 0
	for i := 0; i < len(w); i++ {
		if isLower(w[i]) {
			return false
		}
		if isUpper(w[i]) {
			letters++
		}
	}
	return letters >= 2
}
