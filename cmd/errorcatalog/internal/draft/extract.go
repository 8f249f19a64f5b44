package draft

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Row is one code the document documents, as the document gives it.
type Row struct {
	Line    int    // the document line the code is on
	Code    string // as written
	Status  int    // the HTTP status the document gives, 0 for none
	Name    string // the document's short text for the code, when its table has one
	Text    string // the vendor's description, continuation lines joined
	Section string // the heading the code is under, when the document groups its codes
	shape   shape
	primary string // the first description column, when the table has several: what the classifier reads
	alias   string // the code's name in a second code column (an S3 name beside the vendor's number)
}

// extraction is what the extractor found in a document.
type extraction struct {
	rows     []Row
	warnings []string
}

func (x *extraction) warnf(format string, args ...any) {
	x.warnings = append(x.warnings, fmt.Sprintf(format, args...))
}

// extract finds the codes of a document in document order.
//
// A document holds tables: delimited ones (Markdown, HTML, CSV/TSV, tab-
// separated text), whose header row names the columns, and copied ones,
// whose header is a line of column names ("Error Code Description") and
// whose rows start with a code. Codes are taken only inside tables, so a
// number or an upper-case word in prose is never read as one; a document
// with no header at all is read as one table without a header.
func extract(lines []line) *extraction {
	x := &extraction{}
	headingAt := explicitHeadings(lines)
	for i := 0; i < len(lines); {
		l := &lines[i]
		switch {
		case l.table > 0:
			j := i
			for j < len(lines) && lines[j].table == l.table {
				j++
			}
			x.cellTable(lines[i:j], headingAt[i])
			i = j
		case l.cells == nil && isHeaderLine(l.text):
			j := i + 1
			for j < len(lines) && lines[j].table == 0 && !lines[j].heading && !isHeaderLine(lines[j].text) {
				if _, end := furniture(lines[j].text); end {
					break
				}
				j++
			}
			x.textTable(l, lines[i+1:j], titleBefore(lines, i, headingAt[i]))
			i = j
		default:
			i++
		}
	}
	if len(x.rows) == 0 {
		// No table header: read the whole document as one table.
		var body []line
		for _, l := range lines {
			if l.table == 0 {
				body = append(body, l)
			}
		}
		x.textTable(nil, body, "")
	}
	x.dropSingleSection()
	return x
}

// explicitHeadings returns, for every line, the latest heading the layout
// marked before it (Markdown #, HTML h1–h6).
func explicitHeadings(lines []line) []string {
	out := make([]string, len(lines))
	cur := ""
	for i, l := range lines {
		out[i] = cur
		if l.heading {
			cur = l.text
		}
	}
	return out
}

// titleBefore returns the title a copied table sits under: the layout's
// heading, else a short line just above the header line.
func titleBefore(lines []line, i int, heading string) string {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		t := lines[k].text
		if t == "" {
			continue
		}
		if drop, _ := furniture(t); drop || isHeaderLine(t) {
			continue
		}
		if lines[k].heading || looksLikeTitle(t) {
			return t
		}
		break
	}
	return heading
}

// dropSingleSection clears sections when the document does not group its
// codes: one section for every code is the page's title, not a grouping.
func (x *extraction) dropSingleSection() {
	seen := map[string]bool{}
	for _, r := range x.rows {
		seen[r.Section] = true
	}
	if len(seen) > 1 {
		return
	}
	for i := range x.rows {
		x.rows[i].Section = ""
	}
}

// Header vocabulary: a copied table's header line is made of these words
// only, and names a code (or status) column.
var (
	headerWords = map[string]bool{
		"error": true, "errors": true, "code": true, "codes": true, "status": true, "http": true,
		"name": true, "message": true, "description": true, "explanation": true, "details": true,
		"detail": true, "meaning": true, "type": true, "reason": true, "title": true, "summary": true,
		"troubleshooting": true, "guide": true, "cause": true, "causes": true, "solution": true,
		"resolution": true, "notes": true, "note": true, "id": true, "value": true, "comments": true,
		"remarks": true, "action": true, "actions": true, "suggested": true, "category": true,
		"level": true, "severity": true, "constant": true, "identifier": true, "text": true,
		"short": true, "long": true, "possible": true, "and": true, "or": true, "number": true,
		"response": true, "result": true, "info": true, "information": true, "retry": true,
		"retryable": true, "&": true, "/": true, "-": true,
	}
	codeWords = map[string]bool{"code": true, "codes": true, "error": true, "errors": true, "status": true, "constant": true, "identifier": true, "id": true}
	nameWords = map[string]bool{"name": true, "title": true, "message": true, "summary": true, "reason": true, "short": true}
	descWords = map[string]bool{"description": true, "explanation": true, "details": true, "detail": true, "meaning": true, "troubleshooting": true, "cause": true, "causes": true, "solution": true, "resolution": true, "notes": true, "note": true, "comments": true, "remarks": true, "action": true, "actions": true, "information": true, "info": true, "long": true}
)

// words splits a header into lower-case words, also where words run
// together (CodeError).
func words(s string) []string {
	var out []string
	for f := range strings.FieldsSeq(s) {
		start := 0
		for i := 1; i < len(f); i++ {
			if isUpper(f[i]) && isLower(f[i-1]) {
				out = append(out, strings.ToLower(f[start:i]))
				start = i
			}
		}
		out = append(out, strings.ToLower(strings.Trim(f[start:], ":()[]")))
	}
	return out
}

// isHeaderLine reports whether a text line is a copied table's header.
func isHeaderLine(t string) bool {
	if len(t) > 120 {
		return false
	}
	ws := words(t)
	if len(ws) < 2 || len(ws) > 12 {
		return false
	}
	code := false
	for _, w := range ws {
		if !headerWords[w] {
			return false
		}
		code = code || codeWords[w]
	}
	return code
}

// header is what a header says about its table.
type header struct {
	status    bool // names an HTTP status column
	errorCode bool // names an error code, not only a status
	textCols  int  // text columns after the code: 2 means a short one, then a long one
	titled    bool // the short text column is a name or title (title-cased in the wild)
}

func readHeader(text string) header {
	var h header
	ws := words(text)
	for i, w := range ws {
		switch w {
		case "http", "status":
			h.status = true
		case "error", "errors", "constant", "identifier", "id":
			h.errorCode = true
		case "code", "codes":
			if i == 0 || (ws[i-1] != "status" && ws[i-1] != "http") {
				h.errorCode = true
			}
		}
	}
	// Text columns: name-like and description-like words after the code
	// column; "error description" is one column.
	var names, descs int
	for i, w := range ws {
		switch {
		case nameWords[w]:
			names++
		case descWords[w] && (i == 0 || !descWords[ws[i-1]] || w == "explanation" || w == "details"):
			descs++
		}
	}
	h.textCols = names + descs
	h.titled = names > 0
	return h
}

// textTable reads a copied table: hdr is its header line (nil when the
// document has none), body the lines up to the next header.
func (x *extraction) textTable(hdr *line, body []line, title string) {
	var h header
	if hdr != nil {
		h = readHeader(hdr.text)
	}
	lay := chooseLayout(body, h)
	if lay.shape == shapeNone {
		return
	}
	if lay.statusOnly {
		x.warnf("line %d: skipped a table of HTTP statuses (%d rows): its codes are statuses, not the vendor's error codes; declare them as the vendor's http_statuses if wanted", hdr.no, lay.count)
		return
	}
	section := ""
	inTable := false // a title line inside the table was seen: the title above is the first group's
	tl := readTableLines(body, lay)
	var cur *Row
	pendingBlank := false
	var pending []string // continuation lines after a blank, kept only if another code follows
	for i := range body {
		l := &body[i]
		t := tl.text[i]
		if t == "" {
			pendingBlank = cur != nil
			continue
		}
		if tl.furniture[i] {
			if tl.end[i] {
				break
			}
			continue
		}
		if r := tl.row[i]; r != nil {
			r.Line = l.no
			r.Section = section
			x.rows = append(x.rows, *r)
			cur = &x.rows[len(x.rows)-1]
			pending, pendingBlank = nil, false
			continue
		}
		if l.heading && !tl.codeAfter(i) {
			// A heading over no codes ends the entry before it ("Need help?").
			cur, pending, pendingBlank = nil, nil, false
			continue
		}
		if (l.heading || looksLikeTitle(t) && !listItem(t)) && tl.codeAfter(i) {
			section, inTable, cur = t, true, nil
			pending, pendingBlank = nil, false
			continue
		}
		if cur == nil {
			continue // prose before the first code
		}
		if cur.Text == "" {
			// A code alone on its line (a heading per code): its text follows.
			cur.Text, pendingBlank = t, false
			continue
		}
		if pendingBlank || len(pending) > 0 {
			pending = append(pending, t)
			if i < tl.lastCode && tl.codeOrTitleAfter(i) {
				cur.Text = appendText(cur.Text, strings.Join(pending, " "))
				pending, pendingBlank = nil, false
			}
			continue
		}
		cur.Text = appendText(cur.Text, t)
	}
	if inTable && title != "" {
		// The title above the header names the codes before the first
		// title inside the table.
		for i := range x.rows {
			if x.rows[i].Section == "" && x.rows[i].Line > lineOf(hdr) {
				x.rows[i].Section = title
			}
		}
	}
}

func lineOf(l *line) int {
	if l == nil {
		return 0
	}
	return l.no
}

// appendText adds a continuation line to a description, up to just past
// maxDescription: the rest of a runaway table is not copied again and
// again (the description is cut, with a warning, when the rows are kept).
func appendText(desc, more string) string {
	if len(desc) > maxDescription {
		return desc
	}
	return join(desc, more)
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// tableLines are a copied table's lines, each read once: its text with
// spaces collapsed, whether it is furniture, and the code row it is.
type tableLines struct {
	text           []string
	furniture, end []bool
	row            []*Row // nil: not a code row
	lastCode       int    // the last code row: text after a blank line is kept only before it
}

func readTableLines(body []line, lay layout) *tableLines {
	n := len(body)
	tl := &tableLines{text: make([]string, n), furniture: make([]bool, n), end: make([]bool, n), row: make([]*Row, n), lastCode: -1}
	for i, l := range body {
		t := strings.Join(strings.Fields(l.text), " ")
		tl.text[i] = t
		if t == "" {
			continue
		}
		if tl.furniture[i], tl.end[i] = furniture(t); tl.furniture[i] {
			continue
		}
		if r, ok := lay.parse(t); ok {
			tl.row[i], tl.lastCode = &r, i
		}
	}
	return tl
}

// next returns the first line after i that holds text (not blank, not
// furniture).
func (tl *tableLines) next(i int) (int, bool) {
	for j := i + 1; j < len(tl.text); j++ {
		if tl.text[j] != "" && !tl.furniture[j] {
			return j, true
		}
	}
	return 0, false
}

// codeAfter reports whether the next line after i is a code's.
func (tl *tableLines) codeAfter(i int) bool {
	j, ok := tl.next(i)
	return ok && tl.row[j] != nil
}

// codeOrTitleAfter reports whether the next line after i is a code's, or
// a title over codes.
func (tl *tableLines) codeOrTitleAfter(i int) bool {
	j, ok := tl.next(i)
	if !ok {
		return false
	}
	return tl.row[j] != nil || looksLikeTitle(tl.text[j]) && tl.codeAfter(j)
}

// looksLikeTitle reports whether a line reads as a heading: a few words,
// starting with a capital, with no sentence punctuation at its end.
func looksLikeTitle(t string) bool {
	if len(t) > 60 || t == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) {
		return false
	}
	if strings.ContainsAny(t[len(t)-1:], ".:;,!?)") {
		return false
	}
	return len(strings.Fields(t)) <= 6
}

// listItem reports whether a line is a numbered or bulleted sub-point.
func listItem(t string) bool {
	if strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "• ") {
		return true
	}
	i := 0
	for i < len(t) && i < 3 && (isDigit(t[i]) || isLower(t[i])) {
		i++
	}
	return i > 0 && i < len(t) && (t[i] == '.' || t[i] == ')') && (i+1 == len(t) || t[i+1] == ' ')
}
